//! Invoices: one per wholesale order (payment terms of 30 or 60 days), refunds for wholesale
//! returns, and a vendor bill per supplier delivery. Whether each is paid depends on how long
//! ago it fell due and on the partner's habits, so every aging bucket has some.

use std::collections::BTreeMap;

use analyst_core::rows::{Invoice, Satang};
use chrono::{Datelike, Duration, NaiveDate};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// Thai VAT, added to the net amounts of the lines.
const VAT_PERCENT: i64 = 7;

/// How a partner pays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Habit {
    OnTime,
    Slow,
    Bad,
}

impl Habit {
    /// One account in ten pays badly, two pay slowly.
    fn of(partner_index: usize) -> Habit {
        match partner_index % 10 {
            3 => Habit::Bad,
            1 | 6 => Habit::Slow,
            _ => Habit::OnTime,
        }
    }
}

pub(crate) struct Ledger {
    id_base: i64,
    end: NaiveDate,
    pub invoices: Vec<Invoice>,
    /// Next number per (kind prefix, year), as Odoo's sequences restart each year.
    numbers: BTreeMap<(&'static str, i32), u32>,
}

impl Ledger {
    pub(crate) fn new(id_base: i64, end: NaiveDate) -> Ledger {
        Ledger {
            id_base,
            end,
            invoices: Vec::new(),
            numbers: BTreeMap::new(),
        }
    }

    /// Invoices a wholesale order (`net` without VAT).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn customer_invoice(
        &mut self,
        rng: &mut ChaCha8Rng,
        company_id: i64,
        customer_id: i64,
        customer_index: usize,
        terms_days: i64,
        date: NaiveDate,
        net: Satang,
    ) {
        let habit = Habit::of(customer_index);
        self.push(
            rng,
            Entry {
                kind: "out_invoice",
                prefix: "INV",
                company_id,
                customer_id: Some(customer_id),
                supplier_id: None,
                date,
                terms_days,
                amount: with_vat(net),
            },
            habit,
        );
    }

    /// A credit note for returned goods (`net` is the positive value returned, without VAT).
    pub(crate) fn customer_refund(
        &mut self,
        rng: &mut ChaCha8Rng,
        company_id: i64,
        customer_id: i64,
        date: NaiveDate,
        net: Satang,
    ) {
        self.push(
            rng,
            Entry {
                kind: "out_refund",
                prefix: "RINV",
                company_id,
                customer_id: Some(customer_id),
                supplier_id: None,
                date,
                terms_days: 0,
                amount: with_vat(net),
            },
            Habit::OnTime,
        );
    }

    /// A supplier's bill for what it delivered.
    pub(crate) fn vendor_bill(
        &mut self,
        rng: &mut ChaCha8Rng,
        company_id: i64,
        supplier_id: i64,
        supplier_index: usize,
        date: NaiveDate,
        net: Satang,
    ) {
        if net <= 0 {
            return;
        }
        self.push(
            rng,
            Entry {
                kind: "in_invoice",
                prefix: "BILL",
                company_id,
                customer_id: None,
                supplier_id: Some(supplier_id),
                date,
                terms_days: [30, 45, 60][supplier_index % 3],
                amount: with_vat(net),
            },
            // We pay our suppliers on time, mostly.
            if supplier_index == 7 {
                Habit::Slow
            } else {
                Habit::OnTime
            },
        );
    }

    fn push(&mut self, rng: &mut ChaCha8Rng, entry: Entry, habit: Habit) {
        let due_date = entry.date + Duration::days(entry.terms_days);
        let number = self
            .numbers
            .entry((entry.prefix, entry.date.year()))
            .or_insert(0);
        *number += 1;
        let (residual, payment_state) = settle(rng, entry.amount, due_date, self.end, habit);
        self.invoices.push(Invoice {
            id: self.id_base + self.invoices.len() as i64 + 1,
            company_id: entry.company_id,
            kind: entry.kind.into(),
            number: format!("{}/{}/{:05}", entry.prefix, entry.date.year(), number),
            customer_id: entry.customer_id,
            supplier_id: entry.supplier_id,
            date: entry.date,
            due_date,
            amount: entry.amount,
            residual,
            payment_state: payment_state.into(),
        });
    }
}

struct Entry {
    kind: &'static str,
    prefix: &'static str,
    company_id: i64,
    customer_id: Option<i64>,
    supplier_id: Option<i64>,
    date: NaiveDate,
    terms_days: i64,
    amount: Satang,
}

fn with_vat(net: Satang) -> Satang {
    (net * (100 + VAT_PERCENT) + 50) / 100
}

/// What is still owed at the end of the data, and Odoo's payment state for it.
fn settle(
    rng: &mut ChaCha8Rng,
    amount: Satang,
    due_date: NaiveDate,
    end: NaiveDate,
    habit: Habit,
) -> (Satang, &'static str) {
    let overdue_days = (end - due_date).num_days();
    let paid_probability = match (habit, overdue_days) {
        (_, days) if days < 0 => 0.2,
        (Habit::OnTime, _) => 0.97,
        (Habit::Slow, days) if days > 45 => 0.85,
        (Habit::Slow, _) => 0.4,
        (Habit::Bad, days) if days > 120 => 0.55,
        (Habit::Bad, _) => 0.3,
    };
    let draw = rng.random::<f64>();
    if draw < paid_probability {
        (0, "paid")
    } else if draw < paid_probability + 0.3 * (1.0 - paid_probability) {
        let share = rng.random_range(0.3..0.8);
        (((amount as f64) * share).round() as Satang, "partial")
    } else {
        (amount, "not_paid")
    }
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;

    use super::*;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn invoices_carry_vat_terms_and_yearly_numbers() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let mut ledger = Ledger::new(0, day("2026-11-14"));
        ledger.customer_invoice(&mut rng, 1, 10, 0, 60, day("2025-12-31"), 100_000);
        ledger.customer_invoice(&mut rng, 1, 10, 0, 30, day("2026-01-02"), 50_000);
        ledger.customer_invoice(&mut rng, 1, 10, 0, 30, day("2026-11-10"), 10_000);
        let [first, second, third] = &ledger.invoices[..] else {
            panic!("three invoices");
        };
        assert_eq!(first.amount, 107_000);
        assert_eq!(first.due_date, day("2026-03-01"));
        assert_eq!(first.number, "INV/2025/00001");
        assert_eq!(second.number, "INV/2026/00001");
        assert_eq!(third.number, "INV/2026/00002");
        for invoice in &ledger.invoices {
            assert!(invoice.residual >= 0 && invoice.residual <= invoice.amount);
            assert_eq!(invoice.residual == 0, invoice.payment_state == "paid");
        }
    }

    #[test]
    fn bad_payers_leave_old_invoices_open() {
        let mut rng = ChaCha8Rng::seed_from_u64(2);
        let open = (0..1000)
            .filter(|_| {
                settle(
                    &mut rng,
                    100,
                    day("2026-01-01"),
                    day("2026-11-14"),
                    Habit::Bad,
                )
                .1 != "paid"
            })
            .count();
        assert!((300..600).contains(&open), "{open}");
    }
}
