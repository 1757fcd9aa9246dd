//! Paging: by offset in write_date order, and by keyset through changes made mid-sync.

use std::collections::HashSet;

use analyst_odoo::{Query, Record};
use serde_json::json;

use super::{each_protocol, id, small_pages, text};

#[test]
fn pages_come_in_write_date_order_and_cover_every_record() {
    each_protocol(|protocol, fake| {
        let client = small_pages(fake, protocol);
        fake.clear_requests();
        let query = Query::new("pos.order").order("write_date asc, id asc");
        let pages: Vec<Vec<Record>> = client
            .pages(query.clone(), &["name", "write_date"])
            .collect::<Result<_, _>>()
            .expect("all pages");
        let records: Vec<&Record> = pages.iter().flatten().collect();
        let total = client.search_count(&query).expect("count");
        assert_eq!(records.len() as u64, total, "{protocol:?}");
        let keys: Vec<(&str, i64)> = records
            .iter()
            .map(|r| (text(r, "write_date"), id(r)))
            .collect();
        assert!(
            keys.windows(2).all(|pair| pair[0] < pair[1]),
            "ordered by write_date, id"
        );
        let ids: Vec<i64> = records.iter().map(|r| id(r)).collect();
        assert!(
            !ids.windows(2).all(|pair| pair[0] < pair[1]),
            "the fixture's write_date order is not id order"
        );
        let offsets: Vec<Option<u64>> = fake
            .requests()
            .iter()
            .filter(|r| r.method.as_deref() == Some("search_read"))
            .map(|r| r.offset)
            .collect();
        let expected: Vec<Option<u64>> =
            (0..pages.len() as u64).map(|page| Some(page * 7)).collect();
        assert_eq!(offsets, expected, "{protocol:?}");
        assert!(pages.iter().rev().skip(1).all(|page| page.len() == 7));
    });
}

#[test]
fn changes_page_by_keyset_and_see_a_record_changed_mid_sync() {
    each_protocol(|protocol, fake| {
        let client = small_pages(fake, protocol);
        let all_ids: HashSet<i64> = client
            .search(&Query::new("pos.order"))
            .expect("ids")
            .into_iter()
            .collect();
        let mut changes = client.changes(Query::new("pos.order"), None, &["name", "state"]);
        let first = changes.next().expect("a first page").expect("page");
        // A record already read is changed in Odoo before the next page.
        let changed = id(&first[0]);
        fake.write("pos.order", changed, json!({"state": "invoiced"}));
        let mut seen: Vec<Record> = first;
        for page in changes.by_ref() {
            seen.extend(page.expect("page"));
        }
        let seen_ids: HashSet<i64> = seen.iter().map(id).collect();
        assert_eq!(seen_ids, all_ids, "{protocol:?}: nothing skipped");
        let last = seen.last().expect("records");
        assert_eq!(
            (id(last), text(last, "state")),
            (changed, "invoiced"),
            "re-read at the end"
        );
        assert!(
            last.contains_key("write_date"),
            "write_date is always fetched"
        );
        let cursor = changes.cursor().expect("a cursor").clone();
        assert_eq!(cursor.id, changed);
        // The next run from the stored cursor finds nothing new, then one change.
        let again: Vec<_> = client
            .changes(Query::new("pos.order"), Some(cursor.clone()), &[])
            .collect();
        assert!(again.is_empty(), "{again:?}");
        let other = id(&seen[3]);
        fake.write("pos.order", other, json!({"state": "done"}));
        let next: Vec<Record> = client
            .changes(Query::new("pos.order"), Some(cursor), &["state"])
            .flat_map(|page| page.expect("page"))
            .collect();
        assert_eq!(next.iter().map(id).collect::<Vec<_>>(), [other]);
    });
}

#[test]
fn changes_split_records_sharing_a_write_date_across_pages_without_loss() {
    each_protocol(|protocol, fake| {
        let client = small_pages(fake, protocol);
        // The lines of one order share its write_date: pages of 7 cut through orders.
        let all: Vec<i64> = client.search(&Query::new("pos.order.line")).expect("ids");
        let seen: Vec<i64> = client
            .changes(Query::new("pos.order.line"), None, &["qty"])
            .flat_map(|page| page.expect("page"))
            .map(|record| id(&record))
            .collect();
        assert_eq!(seen.len(), all.len(), "{protocol:?}: each line once");
        assert_eq!(
            seen.iter().copied().collect::<HashSet<_>>(),
            all.into_iter().collect::<HashSet<_>>()
        );
    });
}
