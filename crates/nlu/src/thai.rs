//! Thai: rewriting known phrases into the English words the other readers understand.
//!
//! Thai is written without spaces between words, so the question is scanned left to right and,
//! at each position, the longest known phrase starting there is replaced by its English
//! equivalent (with spaces around). Thai digits become ASCII digits. Thai text that is not in
//! the table is kept and later counts as a word that was not understood. Thai names of values
//! (aliases such as ภูเก็ต → Phuket Central) come from the vocabulary and are rewritten the same way.

/// (Thai phrase, English words). Order does not matter: the longest match wins.
const PHRASES: &[(&str, &str)] = &[
    // Measures.
    ("ยอดขายรวม", "revenue"),
    ("ยอดขาย", "revenue"),
    ("รายได้", "revenue"),
    ("จำนวนชิ้น", "units"),
    ("จำนวนที่ขาย", "units sold"),
    ("ชิ้น", "units"),
    ("กำไรขั้นต้น", "gross profit"),
    ("อัตรากำไร", "margin %"),
    ("เปอร์เซ็นต์กำไร", "margin %"),
    ("กำไร", "margin"),
    ("มาร์จิ้น", "margin"),
    ("จำนวนออเดอร์", "orders"),
    ("ออเดอร์", "orders"),
    ("คำสั่งซื้อ", "orders"),
    ("จำนวนบิล", "orders"),
    ("บิล", "orders"),
    ("จำนวนลูกค้า", "customers"),
    ("กลุ่มลูกค้า", "segment"),
    ("ลูกค้า", "customers"),
    ("ส่วนลด", "discount"),
    ("ต้นทุน", "cost"),
    ("มูลค่าสินค้าคืน", "returned value"),
    ("มูลค่าคืน", "returned value"),
    ("ยอดเงินคืน", "refunds"),
    ("การคืนสินค้า", "returns"),
    ("คืนสินค้า", "returns"),
    ("สินค้าคืน", "returns"),
    ("ยอดคืน", "returns"),
    ("ยอดเฉลี่ยต่อบิล", "average order value"),
    ("ค่าเฉลี่ยต่อบิล", "average order value"),
    ("มูลค่าเฉลี่ยต่อออเดอร์", "average order value"),
    ("ราคาขายเฉลี่ย", "average selling price"),
    ("ราคาเฉลี่ย", "average selling price"),
    ("สัดส่วน", "share"),
    // Grouping and dimensions.
    ("แยกตาม", "by"),
    ("แบ่งตาม", "by"),
    ("ตาม", "by"),
    ("แต่ละ", "each"),
    ("ราย", "per"),
    ("ต่อ", "per"),
    ("แบรนด์", "brand"),
    ("ยี่ห้อ", "brand"),
    ("สาขา", "store"),
    ("หน้าร้าน", "store"),
    ("ร้านค้า", "store"),
    ("ร้าน", "store"),
    ("ออนไลน์", "online"),
    ("ขายส่ง", "wholesale"),
    ("มาร์เก็ตเพลส", "marketplace"),
    ("ช่องทางการขาย", "channel"),
    ("ช่องทาง", "channel"),
    ("หมวดหมู่ย่อย", "subcategory"),
    ("หมวดหมู่", "category"),
    ("หมวด", "category"),
    ("ประเภทสินค้า", "category"),
    ("เพศ", "gender"),
    ("ผู้ชาย", "men"),
    ("ผู้หญิง", "women"),
    ("เด็ก", "kids"),
    ("ฤดูกาล", "season"),
    ("ซีซั่น", "season"),
    ("ซัพพลายเออร์", "supplier"),
    ("ผู้จำหน่าย", "supplier"),
    ("สินค้า", "product"),
    ("ไซส์", "size"),
    ("ขนาด", "size"),
    ("ตามสี", "by color"),
    ("บริษัท", "company"),
    ("วันในสัปดาห์", "weekday"),
    ("รายวัน", "daily"),
    ("รายสัปดาห์", "weekly"),
    ("รายเดือน", "monthly"),
    ("รายไตรมาส", "quarterly"),
    ("รายปี", "yearly"),
    ("แนวโน้ม", "trend"),
    ("เทรนด์", "trend"),
    // Ranking.
    ("อันดับแรก", "first"),
    ("ท็อป", "top"),
    ("ขายดีที่สุด", "best selling"),
    ("ขายดี", "best selling"),
    ("ขายไม่ดี", "worst selling"),
    ("สูงสุด", "highest"),
    ("ต่ำสุด", "lowest"),
    ("มากที่สุด", "most"),
    ("น้อยที่สุด", "least"),
    // Periods and comparisons.
    ("วันนี้", "today"),
    ("เมื่อวานนี้", "yesterday"),
    ("เมื่อวาน", "yesterday"),
    ("สัปดาห์นี้", "this week"),
    ("อาทิตย์นี้", "this week"),
    ("สัปดาห์ที่แล้ว", "last week"),
    ("สัปดาห์ก่อน", "last week"),
    ("อาทิตย์ที่แล้ว", "last week"),
    ("อาทิตย์ก่อน", "last week"),
    ("เดือนนี้", "this month"),
    ("เดือนที่แล้ว", "last month"),
    ("เดือนก่อน", "last month"),
    ("เดือนที่ผ่านมา", "last month"),
    ("ไตรมาสนี้", "this quarter"),
    ("ไตรมาสที่แล้ว", "last quarter"),
    ("ไตรมาสก่อน", "last quarter"),
    ("ปีงบประมาณนี้", "this fiscal year"),
    ("ปีงบประมาณที่แล้ว", "last fiscal year"),
    ("ปีงบประมาณก่อน", "last fiscal year"),
    ("ปีงบประมาณ", "fiscal year"),
    ("ปีงบนี้", "this fiscal year"),
    ("ปีงบที่แล้ว", "last fiscal year"),
    ("ปีงบ", "fiscal year"),
    ("ปีนี้", "this year"),
    ("ปีที่แล้ว", "last year"),
    ("ปีก่อน", "last year"),
    ("ปีที่ผ่านมา", "last year"),
    ("ปีกลาย", "last year"),
    ("ตั้งแต่ต้นปี", "ytd"),
    ("ตั้งแต่ต้นเดือน", "mtd"),
    ("ตั้งแต่", "since"),
    ("วันที่ผ่านมา", "days past"),
    ("วันล่าสุด", "days past"),
    ("สัปดาห์", "week"),
    ("อาทิตย์", "week"),
    ("เดือน", "month"),
    ("ไตรมาส", "quarter"),
    ("วัน", "day"),
    ("ปี", ""),
    ("ช่วงเดียวกันของปีที่แล้ว", "same period last year"),
    ("ช่วงเดียวกันปีที่แล้ว", "same period last year"),
    ("ปีต่อปี", "yoy"),
    ("เมื่อเทียบกับ", "vs"),
    ("เทียบกับ", "vs"),
    ("เทียบ", "vs"),
    ("มกราคม", "january"),
    ("กุมภาพันธ์", "february"),
    ("มีนาคม", "march"),
    ("เมษายน", "april"),
    ("พฤษภาคม", "may"),
    ("มิถุนายน", "june"),
    ("กรกฎาคม", "july"),
    ("สิงหาคม", "august"),
    ("กันยายน", "september"),
    ("ตุลาคม", "october"),
    ("พฤศจิกายน", "november"),
    ("ธันวาคม", "december"),
    // Tools.
    ("สินค้าค้างสต็อก", "dead stock"),
    ("สต็อกค้าง", "dead stock"),
    ("สินค้าค้าง", "dead stock"),
    ("ขายไม่ออก", "not selling"),
    ("ไม่มียอดขาย", "no sales"),
    ("ขายไม่ได้", "not selling"),
    ("จะหมดสต็อก", "run out of stock"),
    ("จะหมด", "run out"),
    ("หมดสต็อก", "out of stock"),
    ("ของหมด", "out of stock"),
    ("สินค้าหมด", "out of stock"),
    ("ความครอบคลุมสต็อก", "stock cover"),
    ("ควรสั่งซื้อ", "reorder"),
    ("ควรสั่ง", "reorder"),
    ("สั่งซื้อใหม่", "reorder"),
    ("เติมสต็อก", "restock"),
    ("อัตราการขาย", "rate of sale"),
    ("ความเร็วในการขาย", "velocity"),
    ("อัตราการขายออก", "sell through"),
    ("เซลล์ทรู", "sell through"),
    ("ทิกเก็ต", "tickets"),
    ("ตั๋วงาน", "tickets"),
    ("เรื่องร้องเรียน", "complaints"),
    ("ร้องเรียน", "complaints"),
    ("ทีม", "team"),
    ("ค้างอยู่", "open"),
    ("ยังไม่ปิด", "open"),
    ("ปิดแล้ว", "closed"),
    ("ลูกหนี้", "receivables"),
    ("เจ้าหนี้", "payables"),
    ("ใบแจ้งหนี้", "invoices"),
    ("เกินกำหนด", "overdue"),
    ("ข้างหน้า", "ahead"),
    ("ถัดไป", "next"),
    ("มูลค่าสต็อก", "stock value"),
    // Stock in general.
    ("สต็อก", "stock"),
    ("สต๊อก", "stock"),
    ("สินค้าคงคลัง", "stock"),
    ("สินค้าคงเหลือ", "stock"),
    ("คงคลัง", "stock"),
    ("สั่งซื้อเพิ่ม", "reorder"),
    ("คาดการณ์", "forecast"),
    ("พยากรณ์", "forecast"),
    ("อากาศ", "weather"),
    // Small words.
    ("เท่าไหร่", ""),
    ("เท่าไร", ""),
    ("กี่", "how many"),
    ("ขาย", "sell"),
    ("ซื้อ", "bought"),
    ("ยกเว้น", "except"),
    ("ไม่รวม", "excluding"),
    ("ของ", "of"),
    ("ใน", "in"),
    ("ที่", ""),
    ("มี", ""),
    ("ได้", ""),
    ("บ้าง", ""),
    ("ครับ", ""),
    ("ค่ะ", ""),
    ("คะ", ""),
    ("นะ", ""),
    ("หน่อย", ""),
    ("ขอ", ""),
    ("ดู", "show"),
    ("แสดง", "show"),
    ("ทั้งหมด", "total"),
    ("รวม", "total"),
    ("คน", ""),
    ("อะไร", "what"),
    ("ไหน", "which"),
    ("และ", "and"),
    ("กับ", "and"),
    ("หรือ", "or"),
    ("เรา", "we"),
    ("จาก", "from"),
    ("ทุก", "every"),
];

/// Rewrites the Thai phrases of `text`; `extra` holds (Thai name, replacement) pairs from the
/// vocabulary, tried together with the built-in table (longest first).
pub(crate) fn translate(text: &str, extra: &[(String, String)]) -> String {
    if !text
        .chars()
        .any(|c| crate::text::is_thai(c) || is_thai_digit(c))
    {
        return text.to_string();
    }
    let mut phrases: Vec<(&str, &str)> = PHRASES.to_vec();
    phrases.extend(
        extra
            .iter()
            .filter(|(thai, _)| !thai.is_empty())
            .map(|(thai, english)| (thai.as_str(), english.as_str())),
    );
    // Longest first; the vocabulary's names win over the table on equal length.
    phrases.sort_by_key(|(thai, _)| std::cmp::Reverse(thai.len()));

    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if crate::text::is_thai(c)
            && let Some((thai, english)) = phrases.iter().find(|(thai, _)| rest.starts_with(thai))
        {
            out.push(' ');
            out.push_str(english);
            out.push(' ');
            rest = &rest[thai.len()..];
            continue;
        }
        match thai_digit(c) {
            Some(digit) => out.push(digit),
            None => out.push(c),
        }
        rest = &rest[c.len_utf8()..];
    }
    out
}

fn is_thai_digit(c: char) -> bool {
    ('๐'..='๙').contains(&c)
}

fn thai_digit(c: char) -> Option<char> {
    if !is_thai_digit(c) {
        return None;
    }
    let value = u32::from(c) - u32::from('๐');
    char::from_digit(value, 10)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> String {
        translate(text, &[])
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn rewrites_the_longest_phrase_at_each_position() {
        assert_eq!(
            words("ยอดขายแยกตามแบรนด์เดือนที่แล้ว"),
            "revenue by brand last month"
        );
        assert_eq!(words("ยอดขายเมื่อวานนี้"), "revenue yesterday");
        assert_eq!(words("ยอดขายวันนี้"), "revenue today");
        assert_eq!(
            words("ลูกค้าแยกตามกลุ่มลูกค้าปีนี้"),
            "customers by segment this year"
        );
        assert_eq!(words("ยอดขาย ๒๕๖๘"), "revenue 2568");
    }

    #[test]
    fn vocabulary_names_are_rewritten_and_unknown_thai_is_kept() {
        let extra = vec![("ภูเก็ต".to_string(), "Phuket Central".to_string())];
        assert_eq!(
            translate("ยอดขายที่ภูเก็ต", &extra)
                .split_whitespace()
                .collect::<Vec<_>>(),
            ["revenue", "Phuket", "Central"]
        );
        assert!(words("สวัสดี").contains("สวัสดี"));
        assert_eq!(words("revenue"), "revenue");
    }
}
