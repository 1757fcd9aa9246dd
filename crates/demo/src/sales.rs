//! Orders and their lines: who buys (members, online customers, wholesale accounts or nobody
//! we know), what (drawn from the week's demand, only what is on the shelf), how many, and at
//! what price (promotions, markdowns, member and trade discounts); returns as negative lines.

use analyst_core::rows::{Channel, SalesLine};
use chrono::{Duration, NaiveDate};
use rand::Rng;

use crate::DEMO_SOURCE;
use crate::calendar::{OUTLETS, Outlet, promotion_share};
use crate::catalog::{company_of, in_markdown};
use crate::generate::Simulation;
use crate::names::STORES;

/// Share of lines that are returns, by channel.
fn return_share(channel: Channel) -> f64 {
    match channel {
        Channel::Store => 0.025,
        Channel::Online => 0.06,
        Channel::Marketplace => 0.04,
        Channel::Wholesale => 0.01,
    }
}

/// Units on a sold line: (units, cumulative probability).
fn quantities(channel: Channel) -> &'static [(i32, f64)] {
    match channel {
        Channel::Store => &[(1, 0.85), (2, 0.97), (3, 1.0)],
        Channel::Online => &[(1, 0.88), (2, 1.0)],
        Channel::Marketplace => &[(1, 0.92), (2, 1.0)],
        Channel::Wholesale => &[(6, 0.55), (12, 0.9), (24, 1.0)],
    }
}

/// Units a sold line carries on average, for planning stock.
pub(crate) fn units_per_line(channel: Channel) -> f64 {
    let mut previous = 0.0;
    let mut mean = 0.0;
    for &(units, cumulative) in quantities(channel) {
        mean += f64::from(units) * (cumulative - previous);
        previous = cumulative;
    }
    mean * (1.0 - return_share(channel))
}

/// Counters and the lines not yet handed to the sink.
pub(crate) struct Sales {
    id_base: i64,
    next_line: i64,
    orders: [u64; OUTLETS.len()],
    returns: [u64; OUTLETS.len()],
    pub lines: Vec<SalesLine>,
}

impl Sales {
    pub(crate) fn new(id_base: i64) -> Sales {
        Sales {
            id_base,
            next_line: 0,
            orders: [0; OUTLETS.len()],
            returns: [0; OUTLETS.len()],
            lines: Vec::new(),
        }
    }
}

/// The money of one line, in satang.
struct Priced {
    gross: i64,
    discount: i64,
    cost: i64,
}

impl Priced {
    fn net(&self) -> i64 {
        self.gross - self.discount
    }
}

/// One line about to be written.
struct Line<'a> {
    day: NaiveDate,
    outlet: &'a Outlet,
    customer_id: Option<i64>,
    reference: &'a str,
    number: u32,
    variant: usize,
    qty: i32,
    priced: Priced,
}

/// Writes `count` lines for one outlet on one day, as whole orders (the last one may be cut
/// short so the count is exact).
pub(crate) fn sell(sim: &mut Simulation, day: NaiveDate, week: usize, outlet: usize, count: u32) {
    let mut left = count;
    while left > 0 {
        if sim.rng.random_bool(return_share(OUTLETS[outlet].channel)) {
            return_one(sim, day, week, outlet);
            left -= 1;
        } else {
            let size = order_size(sim, OUTLETS[outlet].channel).min(left);
            order(sim, day, week, outlet, size);
            left -= size;
        }
    }
}

fn order_size(sim: &mut Simulation, channel: Channel) -> u32 {
    let draw = sim.rng.random::<f64>();
    match channel {
        Channel::Store => match draw {
            d if d < 0.6 => 1,
            d if d < 0.85 => 2,
            d if d < 0.95 => 3,
            _ => sim.rng.random_range(4..=5),
        },
        Channel::Online => match draw {
            d if d < 0.7 => 1,
            d if d < 0.92 => 2,
            _ => 3,
        },
        Channel::Marketplace => {
            if draw < 0.8 {
                1
            } else {
                2
            }
        }
        Channel::Wholesale => sim.rng.random_range(5..=25),
    }
}

fn order_ref(outlet: &Outlet, sequence: u64, is_return: bool) -> String {
    let code = STORES[outlet.location].1;
    match (outlet.channel, is_return) {
        (Channel::Store, false) => format!("{code}/{sequence:06}"),
        (Channel::Store, true) => format!("{code}/R{sequence:05}"),
        (Channel::Online, false) if outlet.location == 5 => format!("WEB{sequence:07}"),
        (Channel::Online, true) if outlet.location == 5 => format!("WEB-R{sequence:06}"),
        (Channel::Online, false) => format!("LNA-WEB{sequence:06}"),
        (Channel::Online, true) => format!("LNA-WEB-R{sequence:05}"),
        (Channel::Marketplace, false) => format!("MKP{sequence:07}"),
        (Channel::Marketplace, true) => format!("MKP-R{sequence:06}"),
        (Channel::Wholesale, false) => format!("S{sequence:05}"),
        (Channel::Wholesale, true) => format!("S-RET{sequence:04}"),
    }
}

/// The customer of an order and, for wholesale accounts, their position in the list.
fn customer(sim: &mut Simulation, outlet: &Outlet) -> Option<(i64, usize)> {
    let company = company_of(outlet.location);
    let segment = match outlet.channel {
        Channel::Store if sim.rng.random_bool(0.55) => 0,
        Channel::Store | Channel::Marketplace => return None,
        Channel::Online => 1,
        Channel::Wholesale => 2,
    };
    let list = &sim.catalog.customers[company][segment];
    if list.is_empty() {
        return None;
    }
    // Regulars buy more often than the rest.
    let index =
        ((sim.rng.random::<f64>().powi(2) * list.len() as f64) as usize).min(list.len() - 1);
    Some((list[index], index))
}

fn price(
    sim: &mut Simulation,
    variant: usize,
    qty: i32,
    channel: Channel,
    member: bool,
    day: NaiveDate,
) -> Priced {
    let item = &sim.catalog.variants[variant];
    let template = &sim.catalog.templates[item.template];
    let mut percent: i64 = if channel == Channel::Wholesale { 35 } else { 0 };
    if in_markdown(template, day) {
        let last_month = template.last_day - day < Duration::days(30);
        percent = percent.max(if last_month { 50 } else { 30 });
    }
    if sim.rng.random_bool(promotion_share(channel, day)) {
        percent = percent.max([10, 15, 20, 25, 30][sim.rng.random_range(0..5)]);
    }
    if member && sim.rng.random_bool(0.25) {
        percent += 5;
    }
    let gross = item.list_price * i64::from(qty);
    Priced {
        gross,
        discount: gross * percent.min(70) / 100,
        cost: item.cost * i64::from(qty),
    }
}

fn order(sim: &mut Simulation, day: NaiveDate, week: usize, outlet_index: usize, size: u32) {
    let outlet = OUTLETS[outlet_index];
    sim.sales.orders[outlet_index] += 1;
    let reference = order_ref(&outlet, sim.sales.orders[outlet_index], false);
    let buyer = customer(sim, &outlet);
    let member = buyer.is_some() && outlet.channel == Channel::Store;
    let company_id = sim.config.id_base + company_of(outlet.location) as i64 + 1;
    let mut order_net = 0;
    for line_number in 1..=size {
        let (variant, qty) = take_from_shelf(sim, day, week, &outlet);
        let priced = price(sim, variant, qty, outlet.channel, member, day);
        order_net += priced.net();
        push_line(
            sim,
            Line {
                day,
                outlet: &outlet,
                customer_id: buyer.map(|(id, _)| id),
                reference: &reference,
                number: line_number,
                variant,
                qty,
                priced,
            },
        );
    }
    sim.helpdesk.after_order(
        &mut sim.rng,
        outlet.channel,
        company_id,
        buyer.map(|(id, _)| id),
        day,
    );
    if let (Channel::Wholesale, Some((customer_id, index))) = (outlet.channel, buyer) {
        let terms = sim.catalog.payment_terms.get(index).copied().unwrap_or(30);
        sim.ledger.customer_invoice(
            &mut sim.rng,
            company_id,
            customer_id,
            index,
            terms,
            day,
            order_net,
        );
    }
}

/// Draws variants until one is on the shelf (a shopper who finds nothing in their size picks
/// something else); after a few tries a recount finds the units (rare).
fn take_from_shelf(
    sim: &mut Simulation,
    day: NaiveDate,
    week: usize,
    outlet: &Outlet,
) -> (usize, i32) {
    let mut variant = 0;
    let mut wanted = 1;
    for _ in 0..4 {
        variant = sim.demand.pick(week, sim.rng.random::<f64>());
        wanted = draw_quantity(sim, outlet.channel);
        let taken = sim.inventory.sell(variant, outlet.location, wanted);
        if taken > 0 {
            return (variant, taken);
        }
    }
    sim.inventory
        .correct_count(day, variant, outlet.location, wanted);
    let taken = sim.inventory.sell(variant, outlet.location, wanted);
    (variant, taken.max(1))
}

fn draw_quantity(sim: &mut Simulation, channel: Channel) -> i32 {
    let draw = sim.rng.random::<f64>();
    quantities(channel)
        .iter()
        .find(|(_, cumulative)| draw < *cumulative)
        .map_or(1, |(units, _)| *units)
}

fn return_one(sim: &mut Simulation, day: NaiveDate, week: usize, outlet_index: usize) {
    let outlet = OUTLETS[outlet_index];
    sim.sales.returns[outlet_index] += 1;
    let reference = order_ref(&outlet, sim.sales.returns[outlet_index], true);
    let buyer = customer(sim, &outlet);
    let variant = sim.demand.pick(week, sim.rng.random::<f64>());
    let qty = if outlet.channel == Channel::Wholesale {
        6
    } else {
        1
    };
    sim.inventory.take_back(variant, outlet.location, qty);
    let priced = price(sim, variant, qty, outlet.channel, false, day);
    let refunded = priced.net();
    push_line(
        sim,
        Line {
            day,
            outlet: &outlet,
            customer_id: buyer.map(|(id, _)| id),
            reference: &reference,
            number: 1,
            variant,
            qty: -qty,
            priced: Priced {
                gross: -priced.gross,
                discount: -priced.discount,
                cost: -priced.cost,
            },
        },
    );
    if let (Channel::Wholesale, Some((customer_id, _))) = (outlet.channel, buyer) {
        let company_id = sim.config.id_base + company_of(outlet.location) as i64 + 1;
        sim.ledger
            .customer_refund(&mut sim.rng, company_id, customer_id, day, refunded);
    }
}

fn push_line(sim: &mut Simulation, line: Line<'_>) {
    let base = sim.config.id_base;
    sim.sales.next_line += 1;
    sim.sales.lines.push(SalesLine {
        id: sim.sales.id_base + sim.sales.next_line,
        date: line.day,
        company_id: base + company_of(line.outlet.location) as i64 + 1,
        store_id: base + line.outlet.location as i64 + 1,
        channel: line.outlet.channel,
        customer_id: line.customer_id,
        product_id: base + line.variant as i64 + 1,
        order_ref: line.reference.to_string(),
        qty: line.qty,
        net_amount: line.priced.net(),
        cost_amount: line.priced.cost,
        discount_amount: line.priced.discount,
        source: DEMO_SOURCE.into(),
        source_ref: format!("{}/{}", line.reference, line.number),
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn planning_units_follow_the_quantity_tables() {
        assert!((units_per_line(Channel::Online) - 1.12 * 0.94).abs() < 1e-9);
        let wholesale = 6.0 * 0.55 + 12.0 * 0.35 + 24.0 * 0.1;
        assert!((units_per_line(Channel::Wholesale) - wholesale * 0.99).abs() < 1e-9);
    }

    #[test]
    fn order_references_look_like_the_systems_they_come_from() {
        assert_eq!(order_ref(&OUTLETS[0], 12, false), "BKK-SIAM/000012");
        assert_eq!(order_ref(&OUTLETS[5], 3, false), "WEB0000003");
        assert_eq!(order_ref(&OUTLETS[8], 42, false), "S00042");
        assert_eq!(order_ref(&OUTLETS[8], 42, true), "S-RET0042");
    }
}
