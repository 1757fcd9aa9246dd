//! The currencies AI costs are priced and limited in, and the rate between them. A provider's
//! prices and a daily limit each name THB or USD; a cost recorded in one is compared with a
//! limit in the other at the configured THB-per-USD rate (`thb_per_usd`, 36.0 by default).

use std::fmt;
use std::str::FromStr;

/// THB per USD when none is configured (a round figure near the 2024–2026 average).
pub const DEFAULT_THB_PER_USD: f64 = 36.0;

/// A currency of provider prices and daily AI cost limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Currency {
    /// Thai baht, the default.
    Thb,
    /// US dollar, what most hosted providers price in.
    Usd,
}

impl Currency {
    pub const ALL: [Currency; 2] = [Currency::Thb, Currency::Usd];

    /// The ISO 4217 code: `THB` or `USD`.
    pub fn as_str(self) -> &'static str {
        match self {
            Currency::Thb => "THB",
            Currency::Usd => "USD",
        }
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.as_str())
    }
}

/// A currency code other than THB and USD.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown currency '{0}': AI prices and limits are in THB or USD")]
pub struct UnknownCurrency(pub String);

impl FromStr for Currency {
    type Err = UnknownCurrency;

    /// `THB` or `USD`, in any case, spaces around ignored.
    fn from_str(text: &str) -> Result<Currency, UnknownCurrency> {
        let code = text.trim();
        Currency::ALL
            .into_iter()
            .find(|currency| currency.as_str().eq_ignore_ascii_case(code))
            .ok_or_else(|| UnknownCurrency(code.to_string()))
    }
}

/// How many baht a dollar is worth, for comparing costs and limits in different currencies.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ExchangeRate {
    thb_per_usd: f64,
}

impl ExchangeRate {
    /// A rate of `thb_per_usd` baht per dollar; it must be a positive number.
    pub fn thb_per_usd(thb_per_usd: f64) -> Result<ExchangeRate, String> {
        if thb_per_usd.is_finite() && thb_per_usd > 0.0 {
            Ok(ExchangeRate { thb_per_usd })
        } else {
            Err(format!(
                "thb_per_usd must be a positive number of baht per dollar (got {thb_per_usd}); the default is {DEFAULT_THB_PER_USD}"
            ))
        }
    }

    /// Baht per dollar.
    pub fn value(self) -> f64 {
        self.thb_per_usd
    }

    /// `amount` in `from`, expressed in `to`.
    pub fn convert(self, amount: f64, from: Currency, to: Currency) -> f64 {
        match (from, to) {
            (Currency::Usd, Currency::Thb) => amount * self.thb_per_usd,
            (Currency::Thb, Currency::Usd) => amount / self.thb_per_usd,
            _ => amount,
        }
    }
}

impl Default for ExchangeRate {
    fn default() -> ExchangeRate {
        ExchangeRate {
            thb_per_usd: DEFAULT_THB_PER_USD,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_read_in_any_case_and_others_are_refused() {
        assert_eq!(" usd ".parse::<Currency>(), Ok(Currency::Usd));
        assert_eq!("THB".parse::<Currency>(), Ok(Currency::Thb));
        let refused = "EUR".parse::<Currency>().unwrap_err();
        assert_eq!(
            refused.to_string(),
            "unknown currency 'EUR': AI prices and limits are in THB or USD"
        );
    }

    #[test]
    fn amounts_convert_both_ways_at_the_rate() {
        let rate = ExchangeRate::thb_per_usd(35.5).unwrap();
        assert!((rate.convert(2.0, Currency::Usd, Currency::Thb) - 71.0).abs() < 1e-9);
        assert!((rate.convert(71.0, Currency::Thb, Currency::Usd) - 2.0).abs() < 1e-9);
        assert_eq!(rate.convert(3.0, Currency::Thb, Currency::Thb), 3.0);
        assert_eq!(ExchangeRate::default().value(), DEFAULT_THB_PER_USD);
    }

    #[test]
    fn a_rate_must_be_positive() {
        for bad in [0.0, -36.0, f64::NAN, f64::INFINITY] {
            assert!(ExchangeRate::thb_per_usd(bad).is_err(), "{bad}");
        }
    }
}
