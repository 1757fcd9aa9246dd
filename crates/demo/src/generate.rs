//! The day-by-day simulation that produces the demo business: stock arrives and moves, shops
//! sell and take returns, invoices and tickets follow, and everything streams to the sink in
//! batches so memory stays flat whatever the number of lines.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate, Weekday};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use crate::calendar::{self, OUTLETS};
use crate::catalog::{self, Catalog};
use crate::demand::Demand;
use crate::finance::Ledger;
use crate::helpdesk::Helpdesk;
use crate::inventory::Inventory;
use crate::sales::{self, Sales};
use crate::{DemoConfig, DemoSink};

/// Rows handed to the sink at a time.
const BATCH: usize = 50_000;

/// Everything the simulation holds; each part lives in its own module.
pub(crate) struct Simulation {
    pub rng: ChaCha8Rng,
    pub config: DemoConfig,
    pub catalog: Catalog,
    pub demand: Demand,
    pub inventory: Inventory,
    pub ledger: Ledger,
    pub helpdesk: Helpdesk,
    pub sales: Sales,
}

/// Generates the demo business of `config` into `sink`: the same config gives the same rows.
/// Exactly `config.lines` sales lines are written, in date order.
pub fn generate<S: DemoSink>(config: &DemoConfig, sink: &mut S) -> Result<(), S::Error> {
    let start = config.start_date;
    let end = config.end_date.max(start);
    let mut rng = ChaCha8Rng::seed_from_u64(config.seed);
    let catalog = catalog::build(config, &mut rng);
    sink.master_data(&catalog.master)?;
    let plan = calendar::plan(config.lines, start, end);
    let demand = Demand::new(&catalog, &plan, end);

    // Old seasons are cleared the day after their window closes.
    let mut clearances: BTreeMap<NaiveDate, Vec<usize>> = BTreeMap::new();
    for (index, template) in catalog.templates.iter().enumerate() {
        if template.cleared && template.last_day >= start && template.last_day < end {
            clearances
                .entry(template.last_day.succ_opt().unwrap_or(end))
                .or_default()
                .push(index);
        }
    }

    let mut sim = Simulation {
        inventory: Inventory::new(&catalog, config.id_base),
        ledger: Ledger::new(config.id_base, end),
        helpdesk: Helpdesk::new(config.id_base, end),
        sales: Sales::new(config.id_base),
        rng,
        config: config.clone(),
        catalog,
        demand,
    };
    sim.inventory
        .open(&sim.catalog, &sim.demand, &mut sim.rng, start);
    for (index, counts) in plan.days.iter().enumerate() {
        let day = plan.day(index);
        let week = sim.demand.week(day);
        sim.inventory.receive(&mut sim.ledger, &mut sim.rng, day);
        if index == 0 || day.weekday() == Weekday::Mon {
            sim.inventory
                .replenish(&sim.catalog, &sim.demand, &mut sim.rng, day, end);
        }
        for (outlet, &count) in counts.iter().enumerate().take(OUTLETS.len()) {
            sales::sell(&mut sim, day, week, outlet, count);
        }
        for &template in clearances.get(&day).into_iter().flatten() {
            let variants = sim.catalog.of_template[template].clone();
            sim.inventory.clear(&sim.catalog, variants, day);
        }
        sim.inventory.close_day(day);
        if sim.sales.lines.len() >= BATCH {
            sink.sales_lines(&sim.sales.lines)?;
            sim.sales.lines.clear();
        }
        if sim.inventory.moves.len() >= BATCH {
            sink.stock_moves(&sim.inventory.moves)?;
            sim.inventory.moves.clear();
        }
    }
    sink.sales_lines(&sim.sales.lines)?;
    sink.stock_moves(&sim.inventory.moves)?;
    let levels = sim.inventory.levels(&sim.catalog, &mut sim.rng, end);
    sink.stock_levels(&levels)?;
    sink.purchase_orders(
        &sim.inventory.purchase_orders,
        &sim.inventory.purchase_lines,
    )?;
    sink.helpdesk_tickets(&sim.helpdesk.tickets)?;
    sink.invoices(&sim.ledger.invoices)?;
    Ok(())
}
