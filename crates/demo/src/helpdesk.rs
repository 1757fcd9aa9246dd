//! Helpdesk tickets that follow some orders: a few online orders go wrong, fewer shop sales.
//! Old tickets are solved (some after their SLA deadline); recent ones are still open.

use analyst_core::rows::{Channel, HelpdeskTicket};
use chrono::{Duration, NaiveDate};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use crate::names::{HELPDESK_STAGES, HELPDESK_TEAMS};

const ONLINE_SUBJECTS: [&str; 8] = [
    "Order not delivered yet",
    "Wrong size received",
    "Refund request",
    "Parcel arrived damaged",
    "Change delivery address",
    "Payment charged twice",
    "ขอเปลี่ยนไซส์",
    "สินค้ายังไม่ได้รับ",
];

const STORE_SUBJECTS: [&str; 6] = [
    "Product defect: sole separation",
    "Warranty claim",
    "Member points missing",
    "Exchange without receipt",
    "Zip broken after one week",
    "สินค้าชำรุด",
];

pub(crate) struct Helpdesk {
    id_base: i64,
    end: NaiveDate,
    pub tickets: Vec<HelpdeskTicket>,
}

impl Helpdesk {
    pub(crate) fn new(id_base: i64, end: NaiveDate) -> Helpdesk {
        Helpdesk {
            id_base,
            end,
            tickets: Vec::new(),
        }
    }

    /// Perhaps opens a ticket about an order placed on `day`.
    pub(crate) fn after_order(
        &mut self,
        rng: &mut ChaCha8Rng,
        channel: Channel,
        company_id: i64,
        customer_id: Option<i64>,
        day: NaiveDate,
    ) {
        let probability = match channel {
            Channel::Online => 0.025,
            Channel::Marketplace => 0.01,
            Channel::Store => 0.003,
            Channel::Wholesale => 0.0,
        };
        if !rng.random_bool(probability) {
            return;
        }
        let created = (day + Duration::days(rng.random_range(0..5))).min(self.end);
        let (team, subjects) = if channel == Channel::Store {
            (HELPDESK_TEAMS[0], &STORE_SUBJECTS[..])
        } else {
            (HELPDESK_TEAMS[1], &ONLINE_SUBJECTS[..])
        };
        let priority = match rng.random::<f64>() {
            p if p < 0.4 => 0,
            p if p < 0.75 => 1,
            p if p < 0.93 => 2,
            _ => 3,
        };
        let sla_deadline = created + Duration::days([5, 3, 2, 1][priority as usize]);
        // Most tickets close within days; a long tail takes weeks.
        let takes = (rng.random::<f64>().powi(3) * 30.0) as i64;
        let resolved = created + Duration::days(takes);
        let (stage, closed) = if resolved <= self.end {
            let stage = if rng.random_bool(0.92) {
                HELPDESK_STAGES[3]
            } else {
                HELPDESK_STAGES[4]
            };
            (stage, Some(resolved))
        } else if self.end - created <= Duration::days(1) {
            (HELPDESK_STAGES[0], None)
        } else {
            (HELPDESK_STAGES[rng.random_range(1..3)], None)
        };
        self.tickets.push(HelpdeskTicket {
            id: self.id_base + self.tickets.len() as i64 + 1,
            company_id,
            team: team.into(),
            stage: stage.into(),
            priority,
            created,
            closed,
            sla_deadline,
            customer_id,
            subject: subjects[rng.random_range(0..subjects.len())].into(),
        });
    }
}
