//! [`Value`]s to and from PostgreSQL.
//!
//! Parameters go as text: the server parses each as the type it inferred for it, as it would a
//! literal, so `Value::Int(1)` fits an INTEGER, BIGINT or NUMERIC column and a date's text a
//! DATE or TIMESTAMP one, without the caller knowing which. Results come in PostgreSQL's binary
//! format and are read here: integers, floats, numerics (as floats), text, booleans, dates and
//! timestamps; any other type is an error that says to cast the column.

use std::error::Error;
use std::fmt::Write;

use bytes::{BufMut, BytesMut};
use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime};
use postgres::types::{Format, FromSql, IsNull, ToSql, Type, to_sql_checked};

use crate::Value;

type BoxError = Box<dyn Error + Sync + Send>;

/// How timestamps are written as text (PostgreSQL keeps microseconds).
pub(super) const TIMESTAMP_FORMAT: &str = "%Y-%m-%d %H:%M:%S%.6f";

/// A parameter, sent as text for the server to parse.
#[derive(Debug)]
pub(super) struct Param<'a>(pub &'a Value);

impl ToSql for Param<'_> {
    fn to_sql(&self, _: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
        match self.0 {
            Value::Null => return Ok(IsNull::Yes),
            Value::Bool(value) => out.put_slice(if *value { b"true" } else { b"false" }),
            Value::Int(value) => write!(out, "{value}")?,
            Value::Float(value) if value.is_nan() => out.put_slice(b"NaN"),
            Value::Float(value) if value.is_infinite() => out.put_slice(if *value > 0.0 {
                b"Infinity"
            } else {
                b"-Infinity"
            }),
            Value::Float(value) => write!(out, "{value}")?,
            Value::Text(text) => out.put_slice(text.as_bytes()),
            Value::Date(date) => write!(out, "{date}")?,
            Value::Timestamp(moment) => write!(out, "{}", moment.format(TIMESTAMP_FORMAT))?,
        }
        Ok(IsNull::No)
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    fn encode_format(&self, _: &Type) -> Format {
        Format::Text
    }

    to_sql_checked!();
}

/// The type a parameter is declared with when the server cannot infer one from the statement
/// (`SELECT $1`, `$1 IS NULL`): the type of its value.
pub(super) fn declared_type(value: &Value) -> Type {
    match value {
        Value::Bool(_) => Type::BOOL,
        Value::Int(_) => Type::INT8,
        Value::Float(_) => Type::FLOAT8,
        Value::Date(_) => Type::DATE,
        Value::Timestamp(_) => Type::TIMESTAMP,
        Value::Null | Value::Text(_) => Type::TEXT,
    }
}

/// One cell of a result.
pub(super) struct Cell(pub Value);

impl<'a> FromSql<'a> for Cell {
    fn from_sql(ty: &Type, raw: &'a [u8]) -> Result<Self, BoxError> {
        decode(ty, raw).map(Cell)
    }

    fn from_sql_null(_: &Type) -> Result<Self, BoxError> {
        Ok(Cell(Value::Null))
    }

    fn accepts(_: &Type) -> bool {
        true
    }
}

/// Whether a column of type `ty` can be read (checked before a streamed query starts).
pub(super) fn readable(ty: &Type) -> bool {
    matches!(
        *ty,
        Type::BOOL
            | Type::INT2
            | Type::INT4
            | Type::INT8
            | Type::OID
            | Type::FLOAT4
            | Type::FLOAT8
            | Type::NUMERIC
            | Type::DATE
            | Type::TIMESTAMP
            | Type::TIMESTAMPTZ
            | Type::TEXT
            | Type::VARCHAR
            | Type::BPCHAR
            | Type::NAME
            | Type::UNKNOWN
            | Type::JSON
            | Type::CHAR
            | Type::JSONB
            | Type::VOID
    )
}

/// The error for a column of a type the store does not read.
pub(super) fn unreadable(column: &str, ty: &Type) -> String {
    format!(
        "column {column} has the PostgreSQL type {ty}, which the store does not read; cast it in the query (for example CAST({column} AS VARCHAR))"
    )
}

fn decode(ty: &Type, raw: &[u8]) -> Result<Value, BoxError> {
    Ok(match *ty {
        Type::BOOL => Value::Bool(raw.first().is_some_and(|byte| *byte != 0)),
        Type::INT2 => Value::Int(i16::from_be_bytes(fixed(raw)?).into()),
        Type::INT4 => Value::Int(i32::from_be_bytes(fixed(raw)?).into()),
        Type::INT8 => Value::Int(i64::from_be_bytes(fixed(raw)?)),
        Type::OID => Value::Int(u32::from_be_bytes(fixed(raw)?).into()),
        Type::FLOAT4 => Value::Float(f32::from_be_bytes(fixed(raw)?).into()),
        Type::FLOAT8 => Value::Float(f64::from_be_bytes(fixed(raw)?)),
        Type::NUMERIC => Value::Float(numeric(raw)?),
        Type::DATE => Value::Date(date(i32::from_be_bytes(fixed(raw)?))?),
        Type::TIMESTAMP | Type::TIMESTAMPTZ => {
            Value::Timestamp(timestamp(i64::from_be_bytes(fixed(raw)?))?)
        }
        Type::TEXT
        | Type::VARCHAR
        | Type::BPCHAR
        | Type::NAME
        | Type::UNKNOWN
        | Type::JSON
        | Type::CHAR => Value::Text(std::str::from_utf8(raw)?.to_string()),
        // A version byte (1), then the JSON text.
        Type::JSONB => {
            Value::Text(std::str::from_utf8(raw.get(1..).unwrap_or_default())?.to_string())
        }
        Type::VOID => Value::Null,
        _ => return Err(format!("the PostgreSQL type {ty} is not read by the store").into()),
    })
}

fn fixed<const N: usize>(raw: &[u8]) -> Result<[u8; N], BoxError> {
    raw.try_into()
        .map_err(|_| format!("expected {N} bytes, got {}", raw.len()).into())
}

/// PostgreSQL's dates and timestamps count from 2000-01-01.
const PG_EPOCH: NaiveDate = match NaiveDate::from_ymd_opt(2000, 1, 1) {
    Some(day) => day,
    None => NaiveDate::MIN,
};

fn date(days: i32) -> Result<NaiveDate, BoxError> {
    if days == i32::MAX || days == i32::MIN {
        return Err("infinite dates are not supported".into());
    }
    PG_EPOCH
        .checked_add_signed(Duration::days(days.into()))
        .ok_or_else(|| format!("date out of range ({days} days from 2000-01-01)").into())
}

fn timestamp(micros: i64) -> Result<NaiveDateTime, BoxError> {
    if micros == i64::MAX || micros == i64::MIN {
        return Err("infinite timestamps are not supported".into());
    }
    let since_unix_epoch = PG_EPOCH
        .and_hms_opt(0, 0, 0)
        .unwrap_or_default()
        .and_utc()
        .timestamp_micros();
    micros
        .checked_add(since_unix_epoch)
        .and_then(DateTime::from_timestamp_micros)
        .map(|moment| moment.naive_utc())
        .ok_or_else(|| format!("timestamp out of range ({micros} µs from 2000-01-01)").into())
}

/// A NUMERIC in binary: digit count, weight (of the first digit, in powers of 10,000), sign,
/// display scale, then base-10,000 digits. Read through its decimal text, so the float is the
/// nearest one to the exact value.
fn numeric(raw: &[u8]) -> Result<f64, BoxError> {
    let word = |index: usize| -> Result<u16, BoxError> {
        raw.get(index * 2..index * 2 + 2)
            .map(|bytes| u16::from_be_bytes([bytes[0], bytes[1]]))
            .ok_or_else(|| "truncated NUMERIC value".into())
    };
    let digits = usize::from(word(0)?);
    // The weight is signed.
    let weight = i64::from(word(1)? as i16);
    let sign = match word(2)? {
        0x0000 => "",
        0x4000 => "-",
        0xC000 => return Ok(f64::NAN),
        0xD000 => return Ok(f64::INFINITY),
        0xF000 => return Ok(f64::NEG_INFINITY),
        other => return Err(format!("unknown NUMERIC sign {other:#x}").into()),
    };
    if digits == 0 {
        return Ok(0.0);
    }
    let mut text = String::with_capacity(digits * 4 + 8);
    text.push_str(sign);
    for index in 0..digits {
        write!(text, "{:04}", word(4 + index)?)?;
    }
    // The last digit group counts units of 10,000^(weight - digits + 1).
    let exponent = 4 * (weight - digits as i64 + 1);
    write!(text, "e{exponent}")?;
    Ok(text.parse()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numeric_bytes(weight: i16, sign: u16, digits: &[u16]) -> Vec<u8> {
        let mut raw = Vec::new();
        for word in [digits.len() as u16, weight as u16, sign, 2] {
            raw.extend(word.to_be_bytes());
        }
        for digit in digits {
            raw.extend(digit.to_be_bytes());
        }
        raw
    }

    #[test]
    fn numerics_are_read_exactly_to_the_nearest_float() {
        // 1933.32 = 1933 * 10000^0 + 3200 * 10000^-1
        assert_eq!(
            numeric(&numeric_bytes(0, 0, &[1933, 3200])).unwrap(),
            1933.32
        );
        assert_eq!(
            numeric(&numeric_bytes(0, 0x4000, &[66, 6700])).unwrap(),
            -66.67
        );
        // 0.0005 = 5 * 10000^-1
        assert_eq!(numeric(&numeric_bytes(-1, 0, &[5])).unwrap(), 0.0005);
        // 12,345,678,900 = 123 * 10000^2 + 4567 * 10000^1 + 8900
        assert_eq!(
            numeric(&numeric_bytes(2, 0, &[123, 4567, 8900])).unwrap(),
            12_345_678_900.0
        );
        assert_eq!(numeric(&numeric_bytes(0, 0, &[])).unwrap(), 0.0);
        assert!(numeric(&numeric_bytes(0, 0xC000, &[])).unwrap().is_nan());
        assert!(numeric(&[0, 1]).is_err(), "a truncated value is an error");
    }

    #[test]
    fn dates_and_timestamps_count_from_2000() {
        assert_eq!(date(0).unwrap(), PG_EPOCH);
        assert_eq!(
            date(-1).unwrap(),
            NaiveDate::from_ymd_opt(1999, 12, 31).unwrap()
        );
        assert!(date(i32::MAX).is_err());
        let moment = timestamp(86_400_000_000 + 1).unwrap();
        assert_eq!(
            moment.format(TIMESTAMP_FORMAT).to_string(),
            "2000-01-02 00:00:00.000001"
        );
    }
}
