#![allow(clippy::unwrap_used)]
use analyst_core::rows::*;
use analyst_demo::*;
use chrono::*;
use std::collections::*;
use std::convert::Infallible;
#[derive(Default)]
struct C {
    m: MasterData,
    lines: u64,
    ret: u64,
    rev: BTreeMap<i32, i64>,
    moves: BTreeMap<String, u64>,
    levels: Vec<StockLevel>,
    pos: u64,
    pol: u64,
    t: u64,
    inv: u64,
    last: HashMap<i64, NaiveDate>,
    recent: HashMap<i64, i64>,
    by_store: BTreeMap<i64, i64>,
    corrections: u64,
    rev_brand: BTreeMap<i64, i64>,
}
impl DemoSink for C {
    type Error = Infallible;
    fn master_data(&mut self, m: &MasterData) -> Result<(), Infallible> {
        self.m = m.clone();
        Ok(())
    }
    fn sales_lines(&mut self, b: &[SalesLine]) -> Result<(), Infallible> {
        for l in b {
            self.lines += 1;
            if l.qty < 0 {
                self.ret += 1
            }
            *self.rev.entry(l.date.year()).or_default() += l.net_amount;
            *self.by_store.entry(l.store_id).or_default() += l.net_amount;
            if l.qty > 0 {
                self.last.insert(l.product_id, l.date);
            }
            if l.date > NaiveDate::from_ymd_opt(2026, 10, 17).unwrap() {
                *self.recent.entry(l.product_id).or_default() += l.qty as i64;
            }
            *self.rev_brand.entry(l.product_id).or_default() += l.net_amount;
        }
        Ok(())
    }
    fn stock_levels(&mut self, b: &[StockLevel]) -> Result<(), Infallible> {
        self.levels.extend_from_slice(b);
        Ok(())
    }
    fn stock_moves(&mut self, b: &[StockMove]) -> Result<(), Infallible> {
        for m in b {
            *self.moves.entry(m.kind.clone()).or_default() += 1;
            if m.reference == "Inventory count" {
                self.corrections += 1
            }
        }
        Ok(())
    }
    fn purchase_orders(
        &mut self,
        o: &[PurchaseOrder],
        l: &[PurchaseLine],
    ) -> Result<(), Infallible> {
        self.pos += o.len() as u64;
        self.pol += l.len() as u64;
        Ok(())
    }
    fn helpdesk_tickets(&mut self, b: &[HelpdeskTicket]) -> Result<(), Infallible> {
        self.t += b.len() as u64;
        Ok(())
    }
    fn invoices(&mut self, b: &[Invoice]) -> Result<(), Infallible> {
        self.inv += b.len() as u64;
        Ok(())
    }
}
fn main() {
    let lines: u64 = std::env::args().nth(1).unwrap().parse().unwrap();
    let cfg = DemoConfig {
        lines,
        seed: 42,
        start_date: NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(),
        end_date: NaiveDate::from_ymd_opt(2026, 11, 14).unwrap(),
        id_base: 0,
        catalog_scale: 1,
    };
    let t = std::time::Instant::now();
    let mut c = C::default();
    generate(&cfg, &mut c).unwrap();
    println!("time {:?}", t.elapsed());
    println!(
        "products {} templates {} customers {} supplier_products {}",
        c.m.products.len(),
        c.m.products
            .iter()
            .map(|p| p.template_id)
            .collect::<BTreeSet<_>>()
            .len(),
        c.m.customers.len(),
        c.m.supplier_products.len()
    );
    println!(
        "lines {} returns {} rev by year {:?}",
        c.lines,
        c.ret,
        c.rev.iter().map(|(y, r)| (y, r / 100)).collect::<Vec<_>>()
    );
    println!(
        "by store {:?}",
        c.by_store
            .iter()
            .map(|(y, r)| (y, r / 100))
            .collect::<Vec<_>>()
    );
    println!("moves {:?} corrections {}", c.moves, c.corrections);
    println!(
        "pos {} lines {} tickets {} invoices {}",
        c.pos, c.pol, c.t, c.inv
    );
    let end = cfg.end_date;
    let mut oh: HashMap<i64, i64> = HashMap::new();
    for l in &c.levels {
        *oh.entry(l.product_id).or_default() += (l.on_hand - l.reserved) as i64;
    }
    let total_units: i64 = oh.values().sum();
    println!("stock levels {} units {}", c.levels.len(), total_units);
    let dead: Vec<_> = oh
        .iter()
        .filter(|(p, q)| **q > 0 && c.last.get(p).is_none_or(|d| (end - *d).num_days() > 180))
        .collect();
    println!("dead variants {}", dead.len());
    let mut dt: BTreeSet<String> = BTreeSet::new();
    for (p, _) in &dead {
        let pr = &c.m.products[(**p - 1) as usize];
        dt.insert(format!("{} [{}] active={}", pr.name, pr.season, pr.active));
    }
    println!("dead templates {:?}", dt);
    let short: BTreeSet<String> = c
        .recent
        .iter()
        .filter_map(|(p, u)| {
            let d = *u as f64 / 28.0;
            let cov = *oh.get(p).unwrap_or(&0) as f64 / d;
            (d >= 0.3 && cov < 14.0).then(|| c.m.products[(*p - 1) as usize].name.clone())
        })
        .collect();
    println!("running-out templates {:?}", short);
    let mut ro: Vec<(String, f64, f64)> = c
        .recent
        .iter()
        .filter_map(|(p, u)| {
            let d = *u as f64 / 28.0;
            let cov = *oh.get(p).unwrap_or(&0) as f64 / d;
            if d >= 0.3 && cov < 14.0 {
                Some((c.m.products[(*p - 1) as usize].sku.clone(), d, cov))
            } else {
                None
            }
        })
        .collect();
    ro.sort_by(|a, b| a.2.total_cmp(&b.2));
    println!("running out {} {:?}", ro.len(), &ro[..ro.len().min(12)]);
    let mut tops: Vec<(i64, i64)> = c.rev_brand.iter().map(|(a, b)| (*b, *a)).collect();
    tops.sort();
    tops.reverse();
    println!(
        "top variants {:?}",
        tops.iter()
            .take(5)
            .map(|(r, p)| (c.m.products[(*p - 1) as usize].sku.clone(), r / 100))
            .collect::<Vec<_>>()
    );
}
