//! Which provider serves a tier: the highest-priority enabled provider with the capability in
//! that tier; when the tier has none, the next tier up, and only then the tiers below (so a
//! deployment with one provider answers every question).

use crate::config::{Capability, CostTier, ProviderConfig};

/// The provider [`crate::run`] starts with for `tier`, if any provider can serve `capability`.
pub fn choose(
    providers: &[ProviderConfig],
    tier: CostTier,
    capability: Capability,
) -> Option<&ProviderConfig> {
    candidates(providers, tier, capability).into_iter().next()
}

/// Every enabled provider with `capability` in fallback order: `tier` first, then the tiers
/// above (cheapest first), then the tiers below (dearest first); by priority (higher first)
/// and then name within a tier.
pub fn candidates(
    providers: &[ProviderConfig],
    tier: CostTier,
    capability: Capability,
) -> Vec<&ProviderConfig> {
    let above = CostTier::ALL.into_iter().filter(|other| *other > tier);
    let below = CostTier::ALL
        .into_iter()
        .rev()
        .filter(|other| *other < tier);
    let mut ordered = Vec::new();
    for current in std::iter::once(tier).chain(above).chain(below) {
        let mut in_tier: Vec<&ProviderConfig> = providers
            .iter()
            .filter(|config| config.enabled && config.tier == current && config.has(capability))
            .collect();
        in_tier.sort_by(|a, b| {
            b.priority
                .cmp(&a.priority)
                .then_with(|| a.name.cmp(&b.name))
        });
        ordered.extend(in_tier);
    }
    ordered
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Price, ProviderKind};

    fn provider(name: &str, tier: CostTier, priority: i32) -> ProviderConfig {
        ProviderConfig {
            name: name.into(),
            kind: ProviderKind::OpenAiCompatible,
            base_url: "http://127.0.0.1:1/v1".into(),
            model: "model".into(),
            api_key: None,
            tier,
            capabilities: vec![Capability::Analytics],
            price: Price {
                input_per_1k: 0.0,
                output_per_1k: 0.0,
                currency: "USD".into(),
            },
            timeout_seconds: 60.0,
            priority,
            enabled: true,
        }
    }

    fn names(providers: Vec<&ProviderConfig>) -> Vec<&str> {
        providers
            .into_iter()
            .map(|config| config.name.as_str())
            .collect()
    }

    #[test]
    fn highest_priority_in_the_tier_then_up_then_down() {
        let mut disabled = provider("disabled", CostTier::Standard, 99);
        disabled.enabled = false;
        let mut reasoning_only = provider("reasoning-only", CostTier::Standard, 50);
        reasoning_only.capabilities = vec![Capability::Reasoning];
        let providers = vec![
            provider("cheap", CostTier::Cheap, 0),
            provider("standard-low", CostTier::Standard, 1),
            provider("standard-high", CostTier::Standard, 5),
            provider("premium", CostTier::Premium, 0),
            disabled,
            reasoning_only,
        ];
        let order = candidates(&providers, CostTier::Standard, Capability::Analytics);
        assert_eq!(
            names(order),
            vec!["standard-high", "standard-low", "premium", "cheap"]
        );
        let chosen = choose(&providers, CostTier::Standard, Capability::Reasoning).map(|c| &c.name);
        assert_eq!(chosen.map(String::as_str), Some("reasoning-only"));
    }

    #[test]
    fn an_empty_tier_takes_the_next_tier_up() {
        let providers = vec![
            provider("cheap", CostTier::Cheap, 0),
            provider("premium", CostTier::Premium, 0),
        ];
        let chosen =
            choose(&providers, CostTier::Standard, Capability::Analytics).map(|c| c.name.as_str());
        assert_eq!(chosen, Some("premium"));
        assert!(choose(&providers, CostTier::Cheap, Capability::Actions).is_none());
    }
}
