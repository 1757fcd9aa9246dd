//! Normalization under a user's mapping: number styles, returns, date order decided per file,
//! the amount rules, row errors, and suggestions for a file no profile knows.

use analyst_ingest::{
    Basis, Channel, DateOrder, DecimalStyle, Field, IngestError, Normalizer, Profile, RowError,
    parse_mapping, suggest_mapping,
};

use crate::helpers::{Files, date, normalize_with, open_ok, rows, sale};

fn mapped(mapping: &str) -> Profile {
    Profile::from_mapping(
        "test",
        Channel::Wholesale,
        parse_mapping(mapping).expect("mapping"),
    )
}

#[test]
fn currency_symbols_parentheses_and_trailing_minus_make_returns() {
    let files = Files::new();
    let text = "Date,SKU,Qty,Amount\n\
                2025-01-31,A,2,\"฿1,250.00\"\n\
                2025-01-31,B,1,THB 99.50\n\
                2025-01-31,C,1,\"(1,250.00)\"\n\
                2025-01-31,D,1-,500.00-\n\
                2025-01-31,E,-1,$40\n";
    let normalized = normalize_with(
        &files.write("money.csv", text),
        &mapped("date=Date,sku=SKU,qty=Qty,amount=Amount"),
    );
    assert!(normalized.errors.is_empty(), "{:?}", normalized.errors);
    let pairs: Vec<(f64, f64)> = normalized
        .sales
        .iter()
        .map(|s| (s.qty, s.net_amount))
        .collect();
    assert_eq!(
        pairs,
        [
            (2.0, 1250.0),
            (1.0, 99.5),
            (-1.0, -1250.0),
            (-1.0, -500.0),
            (-1.0, -40.0)
        ],
        "a negative quantity or amount makes the whole line a return"
    );
}

/// One day above 12 anywhere in the sample decides the order for every row of the file.
#[test]
fn date_order_is_decided_per_file_from_the_values() {
    let files = Files::new();
    let profile = mapped("date=Date,sku=SKU,qty=Qty,amount=Amount");
    let us = files.write(
        "us.csv",
        "Date,SKU,Qty,Amount\n02/03/2025,A,1,10\n01/13/2025,B,1,10\n",
    );
    let normalized = normalize_with(&us, &profile);
    let conventions = normalized.normalizer.conventions();
    assert_eq!(
        (conventions.date_order, conventions.date_order_basis),
        (DateOrder::MonthDayYear, Basis::Values)
    );
    assert_eq!(normalized.sales[0].date, date(2025, 2, 3));
    assert_eq!(normalized.sales[1].date, date(2025, 1, 13));

    let thai = files.write(
        "th.csv",
        "Date,SKU,Qty,Amount\n02/03/2025,A,1,10\n13/01/2025,B,1,10\n",
    );
    let normalized = normalize_with(&thai, &profile);
    assert_eq!(
        normalized.normalizer.conventions().date_order,
        DateOrder::DayMonthYear
    );
    assert_eq!(normalized.sales[0].date, date(2025, 3, 2));
}

/// When no value can tell, the profile's order applies, else day/month/year, and the
/// conventions say it was assumed so the user can be warned.
#[test]
fn ambiguous_dates_follow_the_profile_or_are_assumed_day_first() {
    let files = Files::new();
    let path = files.write(
        "ambiguous.csv",
        "Date,SKU,Qty,Amount\n02/03/2025,A,1,10\n04/05/2025,B,1,10\n",
    );
    let assumed = normalize_with(&path, &mapped("date=Date,sku=SKU,qty=Qty,amount=Amount"));
    let conventions = assumed.normalizer.conventions();
    assert_eq!(
        (conventions.date_order, conventions.date_order_basis),
        (DateOrder::DayMonthYear, Basis::Assumed)
    );
    assert_eq!(assumed.sales[0].date, date(2025, 3, 2));

    let mut us_vendor = mapped("date=Date,sku=SKU,qty=Qty,amount=Amount");
    us_vendor.date_order = Some(DateOrder::MonthDayYear);
    let from_profile = normalize_with(&path, &us_vendor);
    assert_eq!(
        from_profile.normalizer.conventions().date_order_basis,
        Basis::Profile
    );
    assert_eq!(from_profile.sales[0].date, date(2025, 2, 3));
}

#[test]
fn iso_month_name_and_buddhist_dates_in_one_file() {
    let files = Files::new();
    let text = "Date,SKU,Qty,Amount\n2025-01-31,A,1,10\n5-Feb-2025,B,1,10\n31/01/2568,C,1,10\n45688,D,1,10\n";
    let normalized = normalize_with(
        &files.write("dates.csv", text),
        &mapped("date=Date,sku=SKU,qty=Qty,amount=Amount"),
    );
    assert!(normalized.errors.is_empty(), "{:?}", normalized.errors);
    let dates: Vec<_> = normalized.sales.iter().map(|s| s.date).collect();
    assert_eq!(
        dates,
        [
            date(2025, 1, 31),
            date(2025, 2, 5),
            date(2025, 1, 31),
            date(2025, 1, 31)
        ]
    );
}

#[test]
fn decimal_comma_is_decided_for_the_file() {
    let files = Files::new();
    let text =
        "Date;SKU;Qty;Amount\n31/01/2025;A;1;1.234,50\n31/01/2025;B;2;12,5\n31/01/2025;C;1;1.000\n";
    let normalized = normalize_with(
        &files.write("comma.csv", text),
        &mapped("date=Date,sku=SKU,qty=Qty,amount=Amount"),
    );
    assert_eq!(
        normalized.normalizer.conventions().decimal,
        DecimalStyle::Comma
    );
    let amounts: Vec<f64> = normalized.sales.iter().map(|s| s.net_amount).collect();
    assert_eq!(amounts, [1234.5, 12.5, 1000.0]);
}

#[test]
fn amount_from_gross_minus_discount_or_quantity_times_price() {
    let files = Files::new();
    let text = "Date,SKU,Qty,Price,Gross,Discount,Net\n\
                31/01/2025,A,2,100,,,150\n\
                31/01/2025,B,2,100,200,30,\n\
                31/01/2025,C,3,100,,20,\n\
                31/01/2025,D,-1,100,,10,\n";
    let normalized = normalize_with(
        &files.write("amounts.csv", text),
        &mapped("date=Date,sku=SKU,qty=Qty,price=Price,gross=Gross,discount=Discount,net=Net"),
    );
    assert!(normalized.errors.is_empty(), "{:?}", normalized.errors);
    let amounts: Vec<(f64, f64)> = normalized
        .sales
        .iter()
        .map(|s| (s.net_amount, s.discount_amount))
        .collect();
    assert_eq!(
        amounts,
        [(150.0, 0.0), (170.0, 30.0), (280.0, 20.0), (-90.0, -10.0)]
    );
}

/// A row with problems is not loaded; each problem names the line, the file's column, the
/// value and the reason.
#[test]
fn row_errors_name_line_column_value_and_reason() {
    let files = Files::new();
    let text = "Order Date,Product ID,Qty,Net\n\
                31/01/2025,A,2,100\n\
                31/02/2025,B,two,100\n\
                ,,1,\n\
                Grand total,,3,200\n";
    let normalized = normalize_with(
        &files.write("errors.csv", text),
        &mapped("date=Order Date,sku=Product ID,qty=Qty,amount=Net"),
    );
    assert_eq!(
        normalized.sales,
        [sale(2, date(2025, 1, 31), "A", 2.0, 100.0)]
    );
    assert_eq!(normalized.skipped, 1, "the total line");
    let summary: Vec<(u64, &str, &str)> = normalized
        .errors
        .iter()
        .map(|e: &RowError| (e.line, e.column.as_str(), e.value.as_str()))
        .collect();
    assert_eq!(
        summary,
        [
            (3, "Order Date", "31/02/2025"),
            (3, "Qty", "two"),
            (4, "Order Date", ""),
            (4, "Product ID", ""),
            (4, "Net", ""),
        ]
    );
    assert!(
        normalized.errors[0].reason.contains("not a date"),
        "{:?}",
        normalized.errors[0]
    );
    assert!(
        normalized.errors[1].reason.contains("not a number"),
        "{:?}",
        normalized.errors[1]
    );
    assert!(
        normalized.errors[3].reason.contains("no product"),
        "{:?}",
        normalized.errors[3]
    );
}

#[test]
fn a_profile_column_missing_from_the_file_is_named() {
    let files = Files::new();
    let path = files.write("short.csv", "Date,SKU,Qty\n31/01/2025,A,1\n");
    let mut table = open_ok(&path);
    let sample = rows(&mut table);
    let profile = mapped("date=Date,sku=SKU,qty=Qty,amount=Net Sales");
    let error = Normalizer::new(&profile, &table.headers, &sample).expect_err("missing column");
    assert!(
        matches!(&error, IngestError::MissingColumns { missing, .. } if missing == &["Net Sales"])
    );
    let message = error.to_string();
    assert!(
        message.contains("'Net Sales'") && message.contains("Date, SKU, Qty"),
        "{message}"
    );
}

/// An unknown vendor's file: suggestions from header names and value types, then the user's
/// mapping saved as a profile that detects the next file.
#[test]
fn suggestions_for_an_unknown_file_then_a_saved_mapping() {
    let files = Files::new();
    let text = "Txn Date,Outlet,Item Code,Item Name,Pcs,Amount (THB),Remark\n\
                31/01/2025,BKK-SIAM,ST-001,Runner,2,\"2,980.00\",promo\n\
                01/02/2025,HKT,AE-010,Cap,1,290.00,\n";
    let path = files.write("unknown.csv", text);
    let mut table = open_ok(&path);
    let sample = rows(&mut table);
    let suggested: Vec<(Field, String)> = suggest_mapping(&table.headers, &sample)
        .into_iter()
        .map(|s| (s.field, s.header))
        .collect();
    for expected in [
        (Field::Date, "Txn Date"),
        (Field::Sku, "Item Code"),
        (Field::ProductName, "Item Name"),
        (Field::Quantity, "Pcs"),
        (Field::NetAmount, "Amount (THB)"),
    ] {
        assert!(
            suggested.contains(&(expected.0, expected.1.to_owned())),
            "{expected:?} not in {suggested:?}"
        );
    }
    assert!(
        !suggested.iter().any(|(_, header)| header == "Remark"),
        "{suggested:?}"
    );

    let mapping =
        parse_mapping("date=Txn Date,store=Outlet,sku=Item Code,qty=Pcs,amount=Amount (THB)")
            .expect("mapping");
    let saved = Profile::from_mapping("my_vendor", Channel::Wholesale, mapping);
    let json = serde_json::to_string(&saved).expect("profile as JSON");
    let reloaded: Profile = serde_json::from_str(&json).expect("profile from JSON");
    let found =
        analyst_ingest::detect(&table.headers, std::slice::from_ref(&reloaded)).expect("detected");
    assert_eq!(found.name, "my_vendor");
    let normalized = normalize_with(&path, &reloaded);
    assert_eq!(normalized.sales.len(), 2);
    assert_eq!(normalized.sales[1].store_code.as_deref(), Some("HKT"));
}
