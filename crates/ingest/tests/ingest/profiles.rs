//! The shipped vendor profiles: a sample file in each vendor's style is detected as that
//! vendor and normalized to the expected sales.

use analyst_ingest::{Channel, SaleRow, builtin_profiles, detect};

use crate::helpers::{Files, builtin, date, normalize_detected, open_ok};

#[test]
fn department_store_sellout_with_titles_a_return_and_a_total_line() {
    let files = Files::new();
    let text = "Central Retail - Consignment sell-out\n\
                Vendor:,Siam Sport Co. Ltd.\n\
                Sales Date,Branch Code,Branch Name,Article No,Barcode,Article Description,Brand,Sales Qty,Gross Sales,Discount,Net Sales\n\
                03/02/2025,C045,Central Phuket,ST-001,8850000000011,Stride Runner 2,Stride,2,\"2,980.00\",298.00,\"2,682.00\"\n\
                13/02/2025,C045,Central Phuket,ST-001,8850000000011,Stride Runner 2,Stride,-1,(1490.00),(149.00),(1341.00)\n\
                Total,,,,,,,1,\"1,490.00\",149.00,\"1,341.00\"\n";
    let normalized = normalize_detected(
        &files.write("central.csv", text),
        "department_store_sellout",
    );
    assert!(normalized.errors.is_empty(), "{:?}", normalized.errors);
    assert_eq!(normalized.skipped, 1, "the total line is skipped");
    let first = SaleRow {
        line: 4,
        date: date(2025, 2, 3),
        store_code: Some("C045".into()),
        store_name: Some("Central Phuket".into()),
        sku: Some("ST-001".into()),
        barcode: Some("8850000000011".into()),
        product_name: Some("Stride Runner 2".into()),
        brand: Some("Stride".into()),
        category: None,
        subcategory: None,
        customer: None,
        order_ref: None,
        qty: 2.0,
        net_amount: 2682.0,
        gross_amount: Some(2980.0),
        discount_amount: 298.0,
    };
    let refund = SaleRow {
        line: 5,
        date: date(2025, 2, 13),
        qty: -1.0,
        net_amount: -1341.0,
        gross_amount: Some(-1490.0),
        discount_amount: -149.0,
        ..first.clone()
    };
    assert_eq!(normalized.sales, [first, refund]);
}

/// Thai headers, Buddhist-era dates, the store's branch codes mapped to ours (an unknown code
/// passes unchanged), and the Thai total line (รวม) skipped.
#[test]
fn thai_department_store_with_buddhist_dates_and_branch_codes() {
    let files = Files::new();
    let text = "รายงานยอดขาย ประจำเดือน มกราคม 2568\n\
                วันที่,รหัสสาขา,ชื่อสาขา,รหัสสินค้า,บาร์โค้ด,ชื่อสินค้า,ยี่ห้อ,จำนวน,ยอดขาย,ส่วนลด,ยอดขายสุทธิ\n\
                31/01/2568,0101,สยาม,ST-001,8850000000011,รองเท้าวิ่ง,Stride,2,\"2,000.00\",100.00,\"1,900.00\"\n\
                15/01/2568,0999,ขอนแก่น,PM-002,,เสื้อยืด,Peak Motion,1,590.00,0.00,590.00\n\
                รวม,,,,,,,3,\"2,590.00\",100.00,\"2,490.00\"\n";
    let normalized = normalize_detected(&files.write("thai.csv", text), "thai_department_store");
    assert!(normalized.errors.is_empty(), "{:?}", normalized.errors);
    assert_eq!(normalized.skipped, 1);
    let sales = &normalized.sales;
    assert_eq!(sales.len(), 2);
    assert_eq!(sales[0].date, date(2025, 1, 31));
    assert_eq!(sales[0].store_code.as_deref(), Some("BKK-SIAM"));
    assert_eq!(sales[0].net_amount, 1900.0);
    assert_eq!(sales[0].discount_amount, 100.0);
    assert_eq!(sales[1].date, date(2025, 1, 15));
    assert_eq!(sales[1].store_code.as_deref(), Some("0999"));
    assert_eq!(sales[1].barcode, None);
    assert_eq!(sales[1].brand.as_deref(), Some("Peak Motion"));
}

/// Semicolons, decimal comma with dot thousands, dotted dates: European distributor style.
#[test]
fn distributor_weekly_with_decimal_comma() {
    let files = Files::new();
    let text = "Week Ending;Account Code;Account Name;Item Code;EAN;Item Description;Brand;Category;Units Sold;Sales Value\n\
                07.02.2025;KSM;Korat Sports Mart;ST-001;8850000000011;Stride Runner 2;Stride;Footwear;12;15.480,00\n\
                07.02.2025;HYR;Hat Yai Runners;AE-010;;Aero Cap;Aero;Accessories;3;1.234,50\n\
                14.02.2025;KSM;Korat Sports Mart;ST-001;8850000000011;Stride Runner 2;Stride;Footwear;-2;-2.580,00\n";
    let normalized = normalize_detected(&files.write("weekly.csv", text), "distributor_weekly");
    assert!(normalized.errors.is_empty(), "{:?}", normalized.errors);
    let sales = &normalized.sales;
    assert_eq!(
        sales
            .iter()
            .map(|s| (s.date, s.qty, s.net_amount))
            .collect::<Vec<_>>(),
        [
            (date(2025, 2, 7), 12.0, 15480.0),
            (date(2025, 2, 7), 3.0, 1234.5),
            (date(2025, 2, 14), -2.0, -2580.0)
        ]
    );
    assert_eq!(sales[0].customer.as_deref(), Some("Korat Sports Mart"));
    assert_eq!(sales[0].store_code.as_deref(), Some("KSM"));
    assert_eq!(sales[1].category.as_deref(), Some("Accessories"));
}

#[test]
fn shopee_order_export() {
    let files = Files::new();
    let text = "Order ID,Order Status,Order Creation Date,Product Name,SKU Reference No.,Variation Name,Deal Price,Quantity,Product Subtotal,Buyer Username\n\
                250131ABCD,Completed,2025-01-31 14:22,Stride Runner 2,ST-001-42,\"Black,42\",฿1490.00,2,\"฿2,980.00\",runner_bkk\n\
                250201EFGH,Completed,2025-02-01 09:05,Aero Cap,AE-010,Blue,฿290.00,1,฿290.00,capfan\n";
    let normalized = normalize_detected(&files.write("shopee.csv", text), "shopee_orders");
    assert!(normalized.errors.is_empty(), "{:?}", normalized.errors);
    let first = &normalized.sales[0];
    assert_eq!(first.date, date(2025, 1, 31));
    assert_eq!(first.order_ref.as_deref(), Some("250131ABCD"));
    assert_eq!(first.sku.as_deref(), Some("ST-001-42"));
    assert_eq!(first.customer.as_deref(), Some("runner_bkk"));
    assert_eq!((first.qty, first.net_amount), (2.0, 2980.0));
    assert_eq!(normalized.sales[1].net_amount, 290.0);
    assert_eq!(builtin("shopee_orders").channel, Channel::Marketplace);
}

/// No amount column: the amount is quantity × price − discount.
#[test]
fn web_shop_orders_amount_from_price_quantity_and_discount() {
    let files = Files::new();
    let text = "Name,Email,Created at,Lineitem quantity,Lineitem name,Lineitem price,Lineitem discount,Lineitem sku,Billing Name\n\
                #1001,a@example.com,2025-01-31 14:22:01 +0700,2,Stride Runner 2 - 42,1490.00,298.00,ST-001-42,Somchai K.\n\
                #1002,b@example.com,2025-02-01 08:00:00 +0700,1,Aero Cap,290.00,0.00,AE-010,Suda P.\n";
    let normalized = normalize_detected(&files.write("orders_export.csv", text), "web_shop_orders");
    assert!(normalized.errors.is_empty(), "{:?}", normalized.errors);
    let first = &normalized.sales[0];
    assert_eq!(
        (first.qty, first.net_amount, first.discount_amount),
        (2.0, 2682.0, 298.0)
    );
    assert_eq!(first.order_ref.as_deref(), Some("#1001"));
    assert_eq!(first.customer.as_deref(), Some("Somchai K."));
    assert_eq!(normalized.sales[1].net_amount, 290.0);
}

/// Detection compares headers loosely (case, spacing, punctuation) and picks nothing for an
/// unknown format.
#[test]
fn detection_is_loose_on_spelling_and_silent_on_unknown_files() {
    let files = Files::new();
    let loose = files.write(
        "loose.csv",
        "sales date,BRANCH CODE,Branch  Name,Article_No,Barcode,Article Description,Brand,Sales Qty.,Gross Sales,Discount,Net Sales\n\
         03/02/2025,C045,Central Phuket,ST-001,8850000000011,Runner,Stride,2,2980,298,2682\n",
    );
    let found = detect(&open_ok(&loose).headers, &builtin_profiles()).expect("detected");
    assert_eq!(found.name, "department_store_sellout");
    assert!(found.score > 0.9, "{found:?}");
    let normalized = crate::helpers::normalize_with(&loose, &builtin("department_store_sellout"));
    assert_eq!(normalized.sales.len(), 1);

    let unknown = files.write(
        "unknown.csv",
        "Tag,Artikel,Menge,Umsatz\n31.01.2025,A1,2,\"10,50\"\n",
    );
    assert_eq!(
        detect(&open_ok(&unknown).headers, &builtin_profiles()),
        None
    );
}
