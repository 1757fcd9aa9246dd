//! Stock at every location, kept consistent with every movement: opening balances, purchase
//! orders received from suppliers after their lead time, weekly transfers from the warehouse
//! to the shops, sales and returns, season clearances. What is left at the end is
//! `silver.stock_level`; every change is a `silver.stock_move`.

use std::collections::BTreeMap;
use std::ops::Range;

use analyst_core::rows::{PurchaseLine, PurchaseOrder, Satang, StockLevel, StockMove};
use chrono::{Duration, NaiveDate};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use crate::catalog::{
    Catalog, LOCATIONS, Location, SUPPLIER_TERMS, WAREHOUSE_LANNA, WAREHOUSE_SIAM, company_of,
    is_warehouse, warehouse_of,
};
use crate::demand::Demand;
use crate::finance::Ledger;
use crate::names::STORES;

/// Cover a reorder brings a warehouse to after the supplier delivers, in days.
const WAREHOUSE_COVER_DAYS: f64 = 56.0;
/// A warehouse reorders when its cover after the lead time would fall under this.
const WAREHOUSE_REORDER_DAYS: f64 = 28.0;
/// Shops are topped up to this many days of sales, weekly, when under half of it.
const SHOP_COVER_DAYS: f64 = 21.0;
const SHOP_REORDER_DAYS: f64 = 10.0;

/// Deliveries of short-supply best sellers due in the last days are late (after the end).
const LATE_DELIVERY_DAYS: i64 = 21;

/// A purchase order on its way.
struct Receipt {
    order: usize,
    lines: Range<usize>,
    location: Location,
}

pub(crate) struct Inventory {
    id_base: i64,
    unit_cost: Vec<Satang>,
    stock: Vec<[i32; LOCATIONS]>,
    on_order: Vec<[i32; LOCATIONS]>,
    sold_today: Vec<[i32; LOCATIONS]>,
    returned_today: Vec<[i32; LOCATIONS]>,
    touched_today: Vec<(usize, Location)>,
    last_receipt: Vec<Option<NaiveDate>>,
    pending: BTreeMap<NaiveDate, Vec<Receipt>>,
    /// Movements not yet handed to the sink.
    pub moves: Vec<StockMove>,
    pub purchase_orders: Vec<PurchaseOrder>,
    pub purchase_lines: Vec<PurchaseLine>,
    next_move: i64,
    next_transfer: u64,
}

impl Inventory {
    pub(crate) fn new(catalog: &Catalog, id_base: i64) -> Inventory {
        let variants = catalog.variants.len();
        Inventory {
            id_base,
            unit_cost: catalog
                .variants
                .iter()
                .map(|variant| variant.cost)
                .collect(),
            stock: vec![[0; LOCATIONS]; variants],
            on_order: vec![[0; LOCATIONS]; variants],
            sold_today: vec![[0; LOCATIONS]; variants],
            returned_today: vec![[0; LOCATIONS]; variants],
            touched_today: Vec::new(),
            last_receipt: vec![None; variants],
            pending: BTreeMap::new(),
            moves: Vec::new(),
            purchase_orders: Vec::new(),
            purchase_lines: Vec::new(),
            next_move: 0,
            next_transfer: 0,
        }
    }

    fn record(
        &mut self,
        day: NaiveDate,
        variant: usize,
        location: Location,
        qty: i32,
        kind: &str,
        reference: String,
    ) {
        if qty == 0 {
            return;
        }
        self.stock[variant][location] += qty;
        self.next_move += 1;
        self.moves.push(StockMove {
            id: self.id_base + self.next_move,
            date: day,
            product_id: self.id_base + variant as i64 + 1,
            store_id: self.id_base + location as i64 + 1,
            qty,
            unit_cost: self.unit_cost[variant],
            kind: kind.into(),
            reference,
        });
    }

    /// Takes up to `wanted` units for a sale; returns how many there were.
    pub(crate) fn sell(&mut self, variant: usize, location: Location, wanted: i32) -> i32 {
        let taken = wanted.min(self.stock[variant][location]).max(0);
        if taken > 0 {
            self.note_today(variant, location);
            self.stock[variant][location] -= taken;
            self.sold_today[variant][location] += taken;
        }
        taken
    }

    /// Puts returned units back on the shelf.
    pub(crate) fn take_back(&mut self, variant: usize, location: Location, qty: i32) {
        self.note_today(variant, location);
        self.stock[variant][location] += qty;
        self.returned_today[variant][location] += qty;
    }

    fn note_today(&mut self, variant: usize, location: Location) {
        if self.sold_today[variant][location] == 0 && self.returned_today[variant][location] == 0 {
            self.touched_today.push((variant, location));
        }
    }

    /// A count found units the books did not have (so a sale can go ahead); rare.
    pub(crate) fn correct_count(
        &mut self,
        day: NaiveDate,
        variant: usize,
        location: Location,
        qty: i32,
    ) {
        self.record(
            day,
            variant,
            location,
            qty,
            "adjustment",
            "Inventory count".into(),
        );
    }

    /// Turns the day's sales and returns into one movement per variant and location (the
    /// stock was already changed when they happened).
    pub(crate) fn close_day(&mut self, day: NaiveDate) {
        let mut touched = std::mem::take(&mut self.touched_today);
        touched.sort_unstable();
        for (variant, location) in touched {
            let reference = format!("{} {day}", STORES[location].1);
            for (qty, kind) in [
                (-self.sold_today[variant][location], "sale"),
                (self.returned_today[variant][location], "return"),
            ] {
                if qty != 0 {
                    self.next_move += 1;
                    self.moves.push(StockMove {
                        id: self.id_base + self.next_move,
                        date: day,
                        product_id: self.id_base + variant as i64 + 1,
                        store_id: self.id_base + location as i64 + 1,
                        qty,
                        unit_cost: self.unit_cost[variant],
                        kind: kind.into(),
                        reference: reference.clone(),
                    });
                }
            }
            self.sold_today[variant][location] = 0;
            self.returned_today[variant][location] = 0;
        }
    }

    /// Stock for the first day: what the weekly routine would have built up, as opening
    /// balances; lines bought in but never sold get a small stock too.
    pub(crate) fn open(
        &mut self,
        catalog: &Catalog,
        demand: &Demand,
        rng: &mut ChaCha8Rng,
        day: NaiveDate,
    ) {
        let week = demand.week(day);
        for variant in 0..catalog.variants.len() {
            let template = &catalog.templates[catalog.variants[variant].template];
            let never_sells = template.dead && template.popularity == 0.0;
            for location in 0..LOCATIONS {
                let qty = if never_sells {
                    if is_warehouse(location) {
                        rng.random_range(6..30)
                    } else {
                        rng.random_range(0..3)
                    }
                } else if is_warehouse(location) {
                    let lead = lead_time(catalog, variant);
                    let daily = demand.daily_ahead(variant, &served_by(location), week, 4);
                    (daily * (lead + WAREHOUSE_COVER_DAYS) / 2.0).ceil() as i32
                } else {
                    shop_target(demand, variant, location, week)
                };
                self.record(
                    day,
                    variant,
                    location,
                    qty,
                    "adjustment",
                    "Opening balance".into(),
                );
            }
        }
    }

    /// Receives the purchase orders due on `day` (supplier bills follow).
    pub(crate) fn receive(&mut self, ledger: &mut Ledger, rng: &mut ChaCha8Rng, day: NaiveDate) {
        let due: Vec<NaiveDate> = self.pending.range(..=day).map(|(date, _)| *date).collect();
        for date in due {
            for receipt in self.pending.remove(&date).unwrap_or_default() {
                let mut billed = 0;
                for index in receipt.lines.clone() {
                    let line = &self.purchase_lines[index];
                    let ordered = line.qty_ordered;
                    let variant = (line.product_id - self.id_base - 1) as usize;
                    // One delivery in twenty comes short.
                    let received = if rng.random_bool(0.05) {
                        (f64::from(ordered) * rng.random_range(0.8..0.95)).floor() as i32
                    } else {
                        ordered
                    };
                    billed += i64::from(received) * line.price;
                    self.purchase_lines[index].qty_received = received;
                    self.on_order[variant][receipt.location] -= ordered;
                    self.last_receipt[variant] = Some(day);
                    let reference = self.purchase_orders[receipt.order].name.clone();
                    self.record(
                        day,
                        variant,
                        receipt.location,
                        received,
                        "receipt",
                        reference,
                    );
                }
                let order = &mut self.purchase_orders[receipt.order];
                order.state = "done".into();
                let supplier = (order.supplier_id - self.id_base - 1) as usize;
                ledger.vendor_bill(
                    rng,
                    order.company_id,
                    order.supplier_id,
                    supplier,
                    day,
                    billed,
                );
            }
        }
    }

    /// The weekly routine: warehouses order from suppliers, shops are topped up from their
    /// warehouse. Best sellers in short supply get their deliveries late in the last weeks.
    pub(crate) fn replenish(
        &mut self,
        catalog: &Catalog,
        demand: &Demand,
        rng: &mut ChaCha8Rng,
        day: NaiveDate,
        end: NaiveDate,
    ) {
        let week = demand.week(day);
        for warehouse in [WAREHOUSE_SIAM, WAREHOUSE_LANNA] {
            self.order_from_suppliers(catalog, demand, rng, warehouse, day, week, end);
        }
        for shop in (0..LOCATIONS).filter(|&location| !is_warehouse(location)) {
            self.top_up(catalog, demand, shop, day, week);
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn order_from_suppliers(
        &mut self,
        catalog: &Catalog,
        demand: &Demand,
        rng: &mut ChaCha8Rng,
        warehouse: Location,
        day: NaiveDate,
        week: usize,
        end: NaiveDate,
    ) {
        let locations = served_by(warehouse);
        let company = company_of(warehouse);
        for (supplier, variants) in catalog.by_supplier.iter().enumerate() {
            let (lead_days, _, pack) = SUPPLIER_TERMS[supplier];
            let lead = f64::from(lead_days);
            let mut lines: Vec<(usize, i32)> = Vec::new();
            for &variant in variants {
                let horizon = ((lead + WAREHOUSE_COVER_DAYS) / 7.0).ceil() as usize;
                let arrival_week = week + (lead / 7.0).ceil() as usize;
                if !demand.sells_within(variant, arrival_week, horizon) {
                    continue;
                }
                let daily = demand.daily_ahead(variant, &locations, week, horizon);
                let position: i32 = locations
                    .iter()
                    .map(|&location| self.stock[variant][location])
                    .sum::<i32>()
                    + self.on_order[variant][warehouse];
                let presence = locations.len() as f64;
                let reorder_point = daily * (lead + WAREHOUSE_REORDER_DAYS) + presence;
                if f64::from(position) >= reorder_point {
                    continue;
                }
                let up_to = daily * (lead + WAREHOUSE_COVER_DAYS) + presence;
                let needed = (up_to - f64::from(position)).ceil().max(1.0) as i32;
                let qty = (needed + pack - 1) / pack * pack;
                lines.push((variant, qty));
            }
            if lines.is_empty() {
                continue;
            }
            let expected = day + Duration::days(i64::from(lead_days));
            let mut arrival = expected + Duration::days(rng.random_range(-2..=5));
            let late = lines.iter().any(|(variant, _)| {
                catalog.templates[catalog.variants[*variant].template].short_supply
            });
            if late && arrival >= end - Duration::days(LATE_DELIVERY_DAYS) {
                arrival = end + Duration::days(rng.random_range(3..12));
            }
            let state = if rng.random_bool(0.03) {
                "cancel"
            } else if end - day < Duration::days(7) {
                ["draft", "sent", "purchase"][rng.random_range(0..3)]
            } else {
                "purchase"
            };
            let order = self.purchase_orders.len();
            let first_line = self.purchase_lines.len();
            self.purchase_orders.push(PurchaseOrder {
                id: self.id_base + order as i64 + 1,
                name: format!("P{:05}", order + 1),
                company_id: self.id_base + company as i64 + 1,
                supplier_id: self.id_base + supplier as i64 + 1,
                store_id: self.id_base + warehouse as i64 + 1,
                state: state.into(),
                order_date: day,
                expected_date: expected,
            });
            for (variant, qty) in lines {
                self.purchase_lines.push(PurchaseLine {
                    id: self.id_base + self.purchase_lines.len() as i64 + 1,
                    order_id: self.id_base + order as i64 + 1,
                    product_id: self.id_base + variant as i64 + 1,
                    qty_ordered: qty,
                    qty_received: 0,
                    price: catalog.variants[variant].cost,
                });
                if state == "purchase" {
                    self.on_order[variant][warehouse] += qty;
                }
            }
            if state == "purchase" && arrival <= end {
                self.pending.entry(arrival).or_default().push(Receipt {
                    order,
                    lines: first_line..self.purchase_lines.len(),
                    location: warehouse,
                });
            }
        }
    }

    fn top_up(
        &mut self,
        catalog: &Catalog,
        demand: &Demand,
        shop: Location,
        day: NaiveDate,
        week: usize,
    ) {
        let warehouse = warehouse_of(shop);
        let mut transfer: Option<String> = None;
        for variant in 0..catalog.variants.len() {
            let target = shop_target(demand, variant, shop, week);
            let on_hand = self.stock[variant][shop];
            if target == 0 || on_hand >= target {
                continue;
            }
            let daily =
                demand
                    .daily(variant, shop, week)
                    .max(demand.daily(variant, shop, week + 1));
            if f64::from(on_hand) > daily * SHOP_REORDER_DAYS && on_hand > 0 {
                continue;
            }
            let qty = (target - on_hand).min(self.stock[variant][warehouse]);
            if qty <= 0 {
                continue;
            }
            let reference = transfer
                .get_or_insert_with(|| {
                    self.next_transfer += 1;
                    format!("{}/INT/{:05}", STORES[warehouse].1, self.next_transfer)
                })
                .clone();
            self.record(day, variant, warehouse, -qty, "transfer", reference.clone());
            self.record(day, variant, shop, qty, "transfer", reference);
        }
    }

    /// Old-season leftovers leave for the outlet when their window closes.
    pub(crate) fn clear(&mut self, catalog: &Catalog, variants: Range<usize>, day: NaiveDate) {
        for variant in variants {
            let season = catalog.templates[catalog.variants[variant].template].season;
            for location in 0..LOCATIONS {
                let qty = self.stock[variant][location];
                if qty > 0 {
                    self.record(
                        day,
                        variant,
                        location,
                        -qty,
                        "adjustment",
                        format!("Season clearance {season}"),
                    );
                }
            }
        }
    }

    /// Stock at the end: on hand, reserved for open orders, incoming from confirmed purchases.
    pub(crate) fn levels(
        &self,
        catalog: &Catalog,
        rng: &mut ChaCha8Rng,
        as_of: NaiveDate,
    ) -> Vec<StockLevel> {
        let mut levels = Vec::new();
        for variant in 0..catalog.variants.len() {
            let active = catalog.master.products[variant].active;
            for location in 0..LOCATIONS {
                let on_hand = self.stock[variant][location];
                let incoming = self.on_order[variant][location];
                if on_hand == 0 && incoming == 0 && !active {
                    continue;
                }
                let reserved = if on_hand > 0 && is_warehouse(location) && rng.random_bool(0.25) {
                    rng.random_range(1..=on_hand.min(3))
                } else {
                    0
                };
                levels.push(StockLevel {
                    product_id: self.id_base + variant as i64 + 1,
                    store_id: self.id_base + location as i64 + 1,
                    on_hand,
                    reserved,
                    incoming,
                    as_of,
                });
            }
        }
        levels
    }
}

/// The locations whose sales a warehouse's stock serves: itself and its company's shops.
fn served_by(warehouse: Location) -> Vec<Location> {
    (0..LOCATIONS)
        .filter(|&location| warehouse_of(location) == warehouse)
        .collect()
}

/// Lead time in days of the variant's main supplier.
fn lead_time(catalog: &Catalog, variant: usize) -> f64 {
    f64::from(SUPPLIER_TERMS[catalog.variants[variant].supplier].0)
}

/// What a shop should hold of a variant this week: three weeks of sales, and at least one
/// when the variant is in its selling window (a full size run on the shelf).
fn shop_target(demand: &Demand, variant: usize, shop: Location, week: usize) -> i32 {
    if !demand.sells_within(variant, week, 2) {
        return 0;
    }
    let daily = demand
        .daily(variant, shop, week)
        .max(demand.daily(variant, shop, week + 1));
    if daily <= 0.0 {
        return 0;
    }
    ((daily * SHOP_COVER_DAYS).ceil() as i32).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_warehouse_serves_its_own_company() {
        assert_eq!(served_by(WAREHOUSE_SIAM), vec![0, 1, 2, 3, 5]);
        assert_eq!(served_by(WAREHOUSE_LANNA), vec![4, 6]);
    }
}
