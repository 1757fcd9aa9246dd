//! Who is asking: the groups that decide which tools they may use, and the rows they may see.
//! The gateway checks the tool before anything runs and runs every query under the scope, so
//! an answer never holds a figure the user may not see.

use std::collections::BTreeSet;
use std::sync::Arc;

use analyst_accounts::{ADMIN_GROUP, Rights};
use analyst_core::{DataScope, Tool};

use crate::workspaces::Workspace;

/// The route of an answer refused for lack of rights (`meta.route`).
pub const REFUSED_ROUTE: &str = "refused";

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Access {
    /// `None`: the operator at the command line, who may use every tool.
    pub groups: Option<BTreeSet<String>>,
    pub scope: DataScope,
    /// The workspaces the user may enter (`None`: no workspace applies).
    pub workspaces: Option<Arc<Vec<Workspace>>>,
    /// The workspace of the question, whose tool allowlist applies.
    pub workspace: Option<String>,
}

impl Access {
    /// The operator at the command line: every tool, every row.
    pub const fn operator() -> Access {
        Access {
            groups: None,
            scope: DataScope::everything(),
            workspaces: None,
            workspace: None,
        }
    }

    /// Whether the tool's registration lets these groups use it.
    pub fn may_use(&self, tool: Tool) -> bool {
        let Some(groups) = &self.groups else {
            return true;
        };
        let required = analyst_tools::required_groups(tool);
        groups.contains(ADMIN_GROUP)
            || required.is_empty()
            || required.iter().any(|group| groups.contains(*group))
    }

    /// The user's workspaces and the one of the question, from all workspaces.
    pub fn in_workspaces(mut self, all: &[Workspace], workspace: Option<&str>) -> Access {
        let groups = self.groups.clone().unwrap_or_default();
        self.workspaces = Some(Arc::new(
            all.iter()
                .filter(|candidate| self.groups.is_none() || candidate.open_to(&groups))
                .cloned()
                .collect(),
        ));
        self.workspace = workspace.map(str::to_string);
        self
    }

    /// A workspace the user may enter, by code.
    pub fn workspace_named(&self, code: &str) -> Option<&Workspace> {
        self.workspaces
            .as_deref()?
            .iter()
            .find(|workspace| workspace.code == code)
    }

    /// Why the tool is refused: the groups that may use it, or the workspaces that have it.
    pub fn refusal(&self, tool: Tool) -> Option<String> {
        if !self.may_use(tool) {
            let required = analyst_tools::required_groups(tool);
            return Some(format!(
                "You do not have access to {}: it is for the groups {}. Ask an administrator if you need it.",
                tool.name(),
                required.join(", ")
            ));
        }
        let current = self.workspace_named(self.workspace.as_deref()?)?;
        if current.allows(tool) {
            return None;
        }
        let elsewhere: Vec<&str> = self
            .workspaces
            .as_deref()
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .filter(|workspace| workspace.allows(tool))
            .map(|workspace| workspace.name.as_str())
            .collect();
        Some(if elsewhere.is_empty() {
            format!(
                "{} does not answer in the {} workspace, and none of your workspaces has it.",
                tool.name(),
                current.name
            )
        } else {
            format!(
                "{} does not answer in the {} workspace: ask in {}.",
                tool.name(),
                current.name,
                elsewhere.join(" or ")
            )
        })
    }
}

impl From<&Rights> for Access {
    fn from(rights: &Rights) -> Access {
        Access {
            groups: Some(rights.groups.clone()),
            scope: rights.scope.clone(),
            workspaces: None,
            workspace: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member_of(groups: &[&str]) -> Access {
        Access {
            groups: Some(groups.iter().map(|group| group.to_string()).collect()),
            ..Access::default()
        }
    }

    #[test]
    fn tools_follow_the_registry_and_administrators_use_all() {
        assert!(Access::operator().may_use(Tool::MarginAnalysis));
        assert!(member_of(&["admin"]).may_use(Tool::ApAging));
        assert!(member_of(&["buyer"]).may_use(Tool::ReorderSuggestion));
        assert!(!member_of(&["store_manager"]).may_use(Tool::MarginAnalysis));
        assert!(!member_of(&["driver"]).may_use(Tool::SalesByDimension));
        assert!(!member_of(&[]).may_use(Tool::SalesByDimension));
        let refusal = member_of(&["support"])
            .refusal(Tool::ArAging)
            .unwrap_or_default();
        assert!(
            refusal.contains("ar_aging") && refusal.contains("executive, sales"),
            "{refusal}"
        );
    }

    #[test]
    fn a_workspace_refuses_tools_outside_its_allowlist_naming_where_to_ask() {
        let workspace = |code: &str, groups: &[&str], tools: Option<Vec<Tool>>| Workspace {
            code: code.into(),
            name: code.to_uppercase(),
            description: String::new(),
            groups: groups.iter().map(|group| group.to_string()).collect(),
            tools,
            dashboard: String::new(),
            prompts: Vec::new(),
        };
        let all = [
            workspace("sales", &["buyer"], Some(vec![Tool::SalesByDimension])),
            workspace("buying", &["buyer"], Some(vec![Tool::StockCoverage])),
            workspace("cs", &["support"], Some(vec![Tool::DeadStock])),
            workspace("open", &[], Some(vec![])),
        ];
        let buyer = member_of(&["buyer"]).in_workspaces(&all, Some("sales"));
        let codes: Vec<&str> = buyer
            .workspaces
            .as_deref()
            .unwrap()
            .iter()
            .map(|w| w.code.as_str())
            .collect();
        assert_eq!(codes, ["sales", "buying", "open"]);
        assert_eq!(buyer.refusal(Tool::SalesByDimension), None);
        let refusal = buyer.refusal(Tool::StockCoverage).unwrap();
        assert!(
            refusal.contains("SALES workspace: ask in BUYING"),
            "{refusal}"
        );
        // dead_stock is in a workspace the buyer may not enter: not named.
        let refusal = buyer.refusal(Tool::DeadStock).unwrap();
        assert!(refusal.contains("none of your workspaces"), "{refusal}");
        let in_open = member_of(&["buyer"]).in_workspaces(&all, Some("open"));
        assert!(in_open.refusal(Tool::SalesByDimension).is_some());
    }
}
