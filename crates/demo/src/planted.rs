//! What the generator plants on purpose, so that tests and demos can check the analyst finds
//! it: lines that stopped selling (or never sold) and still hold stock, and best sellers about
//! to run out because demand jumps while their supplier is late.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use crate::DemoConfig;
use crate::catalog;

/// Why a product template was planted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlantedKind {
    /// No sale for a long time (or ever), stock still on hand.
    DeadStock,
    /// A fast seller whose stock runs out within days.
    ShortSupply,
}

impl PlantedKind {
    /// The name kept in `ops.demo_planted.kind`.
    pub fn name(self) -> &'static str {
        match self {
            PlantedKind::DeadStock => "dead_stock",
            PlantedKind::ShortSupply => "short_supply",
        }
    }
}

/// One planted product template (all its variants share the fate).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planted {
    pub template_id: i64,
    pub kind: PlantedKind,
    pub note: String,
}

/// The templates `generate(config, …)` plants: the catalogue is rebuilt from the same seed, so
/// the list matches the generated rows exactly.
pub fn planted(config: &DemoConfig) -> Vec<Planted> {
    let mut rng = ChaCha8Rng::seed_from_u64(config.seed);
    let catalog = catalog::build(config, &mut rng);
    let mut planted = Vec::new();
    for (index, template) in catalog.templates.iter().enumerate() {
        let template_id = config.id_base + index as i64 + 1;
        if template.dead {
            let note = if template.popularity == 0.0 {
                "bought in, never sold".to_string()
            } else {
                format!("last sale around {}", template.last_day)
            };
            planted.push(Planted {
                template_id,
                kind: PlantedKind::DeadStock,
                note,
            });
        }
        if template.short_supply {
            planted.push(Planted {
                template_id,
                kind: PlantedKind::ShortSupply,
                note: "demand jumps in the last weeks while the supplier is late".into(),
            });
        }
    }
    planted
}
