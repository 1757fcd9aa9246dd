//! The generated business, checked as a buyer or an accountant would: exact and repeatable,
//! stock that adds up from its movements, and the situations demo-data.md promises (returns,
//! dead stock, best sellers about to run out, purchase orders in every state, overdue invoices).

#![allow(clippy::unwrap_used)] // tests fail loudly by design

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::convert::Infallible;

use analyst_core::rows::{
    Channel, HelpdeskTicket, Invoice, PurchaseLine, PurchaseOrder, SalesLine, StockLevel, StockMove,
};
use analyst_demo::{DemoConfig, DemoSink, MasterData, generate};
use chrono::{Datelike, Duration, NaiveDate, Weekday};

#[derive(Default)]
struct Everything {
    master: MasterData,
    lines: Vec<SalesLine>,
    levels: Vec<StockLevel>,
    moves: Vec<StockMove>,
    orders: Vec<PurchaseOrder>,
    order_lines: Vec<PurchaseLine>,
    tickets: Vec<HelpdeskTicket>,
    invoices: Vec<Invoice>,
    calls: Vec<&'static str>,
}

impl DemoSink for Everything {
    type Error = Infallible;
    fn master_data(&mut self, master: &MasterData) -> Result<(), Infallible> {
        self.calls.push("master");
        self.master = master.clone();
        Ok(())
    }
    fn sales_lines(&mut self, batch: &[SalesLine]) -> Result<(), Infallible> {
        self.calls.push("sales");
        self.lines.extend_from_slice(batch);
        Ok(())
    }
    fn stock_levels(&mut self, batch: &[StockLevel]) -> Result<(), Infallible> {
        self.levels.extend_from_slice(batch);
        Ok(())
    }
    fn stock_moves(&mut self, batch: &[StockMove]) -> Result<(), Infallible> {
        self.moves.extend_from_slice(batch);
        Ok(())
    }
    fn purchase_orders(
        &mut self,
        orders: &[PurchaseOrder],
        lines: &[PurchaseLine],
    ) -> Result<(), Infallible> {
        self.orders.extend_from_slice(orders);
        self.order_lines.extend_from_slice(lines);
        Ok(())
    }
    fn helpdesk_tickets(&mut self, batch: &[HelpdeskTicket]) -> Result<(), Infallible> {
        self.tickets.extend_from_slice(batch);
        Ok(())
    }
    fn invoices(&mut self, batch: &[Invoice]) -> Result<(), Infallible> {
        self.invoices.extend_from_slice(batch);
        Ok(())
    }
}

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

const END: &str = "2026-11-14";

fn config(lines: u64, seed: u64) -> DemoConfig {
    DemoConfig {
        lines,
        seed,
        start_date: day("2024-01-01"),
        end_date: day(END),
        id_base: 0,
        catalog_scale: 1,
    }
}

fn run(config: &DemoConfig) -> Everything {
    let mut everything = Everything::default();
    generate(config, &mut everything).unwrap();
    everything
}

#[test]
fn same_seed_same_business_and_the_exact_number_of_lines() {
    let first = run(&config(30_000, 5));
    let second = run(&config(30_000, 5));
    assert_eq!(first.lines.len(), 30_000);
    assert_eq!(first.lines, second.lines);
    assert_eq!(first.moves, second.moves);
    assert_eq!(first.invoices, second.invoices);
    let other = run(&config(30_000, 6));
    assert_ne!(first.lines, other.lines, "another seed, another business");
    assert_eq!(run(&config(1, 5)).lines.len(), 1);
    assert_eq!(run(&config(0, 5)).lines.len(), 0);

    assert!(
        first
            .lines
            .windows(2)
            .all(|pair| pair[0].date <= pair[1].date),
        "date order"
    );
    let ids: BTreeSet<i64> = first.lines.iter().map(|line| line.id).collect();
    assert_eq!(ids.len(), first.lines.len(), "unique ids");
    assert_eq!(first.calls.first(), Some(&"master"));

    let shifted = run(&DemoConfig {
        id_base: 1_000_000,
        ..config(1_000, 5)
    });
    assert!(
        shifted
            .lines
            .iter()
            .all(|line| line.id > 1_000_000 && line.product_id > 1_000_000)
    );
    assert!(
        shifted
            .master
            .companies
            .iter()
            .all(|company| company.id > 1_000_000)
    );
}

#[test]
fn the_business_looks_real() {
    let data = run(&config(120_000, 42));
    let end = day(END);
    let master = &data.master;
    let names: BTreeSet<&str> = master.stores.iter().map(|s| s.name.as_str()).collect();
    for store in ["Bangkok Siam", "Chiang Mai Nimman", "Main Warehouse Bangna"] {
        assert!(names.contains(store), "{store}");
    }
    let brands: BTreeSet<&str> = master.products.iter().map(|p| p.brand.as_str()).collect();
    assert_eq!(brands.len(), 10);
    let wholesale = master
        .customers
        .iter()
        .filter(|c| c.segment == "wholesale")
        .count();
    assert!(
        (35..=45).contains(&wholesale),
        "{wholesale} wholesale accounts"
    );
    let customer_names: BTreeSet<&str> = master.customers.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        customer_names.len(),
        master.customers.len(),
        "customer names are unique"
    );

    // Money adds up on every line; returns are negative lines.
    for line in &data.lines {
        assert!(line.qty != 0);
        let sign = i64::from(line.qty.signum());
        assert!(line.net_amount * sign > 0, "{line:?}");
        assert!(line.cost_amount * sign > 0, "{line:?}");
        assert!(line.discount_amount * sign >= 0, "{line:?}");
    }
    let returns = data.lines.iter().filter(|line| line.qty < 0).count();
    let share = returns as f64 / data.lines.len() as f64;
    assert!((0.01..0.06).contains(&share), "returns {share}");

    // Both companies and every channel sell; shops sell more at weekends.
    let companies: BTreeSet<i64> = data.lines.iter().map(|line| line.company_id).collect();
    assert_eq!(companies.len(), 2);
    let channels: BTreeSet<&str> = data
        .lines
        .iter()
        .map(|line| line.channel.as_str())
        .collect();
    assert_eq!(channels.len(), 4);
    let mut by_weekday: HashMap<Weekday, usize> = HashMap::new();
    for line in data
        .lines
        .iter()
        .filter(|line| line.channel == Channel::Store)
    {
        *by_weekday.entry(line.date.weekday()).or_default() += 1;
    }
    assert!(by_weekday[&Weekday::Sat] as f64 > 1.3 * by_weekday[&Weekday::Tue] as f64);
    // December beats September, growth year on year.
    let month_lines = |year: i32, month: u32| {
        data.lines
            .iter()
            .filter(|line| line.date.year() == year && line.date.month() == month)
            .count()
    };
    assert!(month_lines(2025, 12) as f64 > 1.3 * month_lines(2025, 9) as f64);
    assert!(month_lines(2025, 10) > month_lines(2024, 10));

    // Purchase orders in every state; invoices in every aging bucket.
    let states: BTreeSet<&str> = data
        .orders
        .iter()
        .map(|order| order.state.as_str())
        .collect();
    assert_eq!(
        states,
        ["cancel", "done", "draft", "purchase", "sent"]
            .into_iter()
            .collect()
    );
    let mut buckets = BTreeSet::new();
    for invoice in data
        .invoices
        .iter()
        .filter(|i| i.kind == "out_invoice" && i.residual > 0)
    {
        let overdue = (end - invoice.due_date).num_days();
        buckets.insert(match overdue {
            d if d <= 0 => "current",
            1..=30 => "1-30",
            31..=60 => "31-60",
            61..=90 => "61-90",
            _ => "90+",
        });
    }
    assert_eq!(buckets.len(), 5, "{buckets:?}");
    let kinds: BTreeSet<&str> = data.invoices.iter().map(|i| i.kind.as_str()).collect();
    assert_eq!(kinds.len(), 3, "{kinds:?}");
    let stages: BTreeSet<&str> = data.tickets.iter().map(|t| t.stage.as_str()).collect();
    assert!(stages.len() >= 4, "{stages:?}");
}

#[test]
fn stock_adds_up_from_its_movements_and_never_goes_negative() {
    let data = run(&config(80_000, 9));
    let mut running: BTreeMap<(i64, i64), i64> = BTreeMap::new();
    let mut moves = data.moves.clone();
    // Within a day receipts and transfers in come before what leaves.
    moves.sort_by_key(|m| (m.date, m.qty < 0));
    let mut day_seen = None;
    for movement in &moves {
        if day_seen != Some(movement.date) {
            for (key, qty) in &running {
                assert!(*qty >= 0, "{key:?} negative before {}", movement.date);
            }
            day_seen = Some(movement.date);
        }
        *running
            .entry((movement.product_id, movement.store_id))
            .or_default() += i64::from(movement.qty);
    }
    for level in &data.levels {
        let moved = running
            .get(&(level.product_id, level.store_id))
            .copied()
            .unwrap_or(0);
        assert_eq!(moved, i64::from(level.on_hand), "{level:?}");
        assert!(level.reserved <= level.on_hand.max(0));
    }
    // Sales moves equal the units of the sales lines, per product and store.
    let mut sold: BTreeMap<(i64, i64), i64> = BTreeMap::new();
    for line in &data.lines {
        *sold.entry((line.product_id, line.store_id)).or_default() -= i64::from(line.qty);
    }
    let mut moved: BTreeMap<(i64, i64), i64> = BTreeMap::new();
    for movement in data
        .moves
        .iter()
        .filter(|m| m.kind == "sale" || m.kind == "return")
    {
        *moved
            .entry((movement.product_id, movement.store_id))
            .or_default() += i64::from(movement.qty);
    }
    sold.retain(|_, qty| *qty != 0);
    moved.retain(|_, qty| *qty != 0);
    assert_eq!(sold, moved);
    // Incoming stock is what confirmed orders have not delivered yet.
    let incoming: i64 = data.levels.iter().map(|l| i64::from(l.incoming)).sum();
    let open: i64 = data
        .orders
        .iter()
        .filter(|order| order.state == "purchase")
        .flat_map(|order| {
            data.order_lines
                .iter()
                .filter(move |line| line.order_id == order.id)
        })
        .map(|line| i64::from(line.qty_ordered - line.qty_received))
        .sum();
    assert_eq!(incoming, open);
    assert!(open > 0);
}

#[test]
fn dead_stock_and_best_sellers_about_to_run_out_exist() {
    let data = run(&config(200_000, 42));
    let end = day(END);
    let mut last_sale: HashMap<i64, NaiveDate> = HashMap::new();
    let mut recent_units: HashMap<i64, i64> = HashMap::new();
    for line in data.lines.iter().filter(|line| line.qty > 0) {
        last_sale.insert(line.product_id, line.date);
        if line.date > end - Duration::days(28) {
            *recent_units.entry(line.product_id).or_default() += i64::from(line.qty);
        }
    }
    let mut on_hand: HashMap<i64, i64> = HashMap::new();
    for level in &data.levels {
        *on_hand.entry(level.product_id).or_default() += i64::from(level.on_hand - level.reserved);
    }
    let dead = on_hand
        .iter()
        .filter(|(product, qty)| {
            **qty > 0
                && last_sale
                    .get(product)
                    .is_none_or(|last| (end - *last).num_days() > 180)
        })
        .count();
    assert!((3..400).contains(&dead), "{dead} dead-stock variants");
    let running_out = recent_units
        .iter()
        .filter(|(product, units)| {
            let daily = **units as f64 / 28.0;
            let cover = on_hand.get(product).copied().unwrap_or(0) as f64 / daily;
            daily >= 0.5 && cover < 14.0
        })
        .count();
    assert!(
        running_out >= 3,
        "{running_out} fast sellers about to run out"
    );
}

#[test]
fn the_catalogue_scales_for_benchmarks_and_keeps_its_names() {
    let small = run(&config(2_000, 9));
    let large = run(&DemoConfig {
        catalog_scale: 4,
        ..config(2_000, 9)
    });
    let (few, many) = (small.master.products.len(), large.master.products.len());
    assert!(
        many > few * 3 && many < few * 5,
        "{few} products, scaled by 4: {many}"
    );
    let brands = |everything: &Everything| {
        everything
            .master
            .products
            .iter()
            .map(|product| product.brand.clone())
            .collect::<std::collections::BTreeSet<_>>()
    };
    assert_eq!(brands(&small), brands(&large));
    assert_eq!(large.lines.len(), 2_000, "the same number of lines");
    let skus: std::collections::BTreeSet<&str> = large
        .master
        .products
        .iter()
        .map(|product| product.sku.as_str())
        .collect();
    assert_eq!(skus.len(), many, "every SKU unique");
}
