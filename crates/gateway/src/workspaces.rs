//! Workspaces (seed 000's `ai.analyst.workspace` and prompt packs): configuration records that
//! say who may enter, which tools answer there and which questions to start with. A user may
//! enter a workspace when they belong to one of its groups (every user when it names none;
//! administrators always); a conversation stays in the workspace it started in.

use std::collections::BTreeSet;

use analyst_accounts::ADMIN_GROUP;
use analyst_core::Tool;
use analyst_store::{Connection, StoreError, Value};

/// One workspace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Workspace {
    pub code: String,
    pub name: String,
    /// What the workspace is for (context for the LLM route too).
    pub description: String,
    /// Groups that may enter; empty: everyone.
    pub groups: Vec<String>,
    /// Tools that answer here; `None`: every tool.
    pub tools: Option<Vec<Tool>>,
    pub dashboard: String,
    /// Questions to start with.
    pub prompts: Vec<String>,
}

impl Workspace {
    /// Whether members of `groups` may enter.
    pub fn open_to(&self, groups: &BTreeSet<String>) -> bool {
        self.groups.is_empty()
            || groups.contains(ADMIN_GROUP)
            || self.groups.iter().any(|group| groups.contains(group))
    }

    /// Whether `tool` answers in this workspace.
    pub fn allows(&self, tool: Tool) -> bool {
        self.tools
            .as_ref()
            .is_none_or(|tools| tools.contains(&tool))
    }
}

fn list(text: &str) -> impl Iterator<Item = &str> {
    text.split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
}

/// Every workspace, in display order. Unknown tool names in a record are skipped: a list of
/// only unknown names allows no tool, never every tool.
pub fn load_workspaces(connection: &dyn Connection) -> Result<Vec<Workspace>, StoreError> {
    let rows = connection.query(
        "SELECT code, name, description, groups, tools, dashboard, prompts
         FROM app.workspace ORDER BY position, code",
        &[],
    )?;
    let text = |row: &[Value], index: usize| {
        row.get(index)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    Ok(rows
        .rows
        .iter()
        .map(|row| {
            let tool_names = text(row, 4);
            let tools = (list(&tool_names).count() > 0).then(|| {
                list(&tool_names)
                    .filter_map(|name| Tool::ALL.iter().copied().find(|tool| tool.name() == name))
                    .collect()
            });
            Workspace {
                code: text(row, 0),
                name: text(row, 1),
                description: text(row, 2),
                groups: list(&text(row, 3)).map(str::to_string).collect(),
                tools,
                dashboard: text(row, 5),
                prompts: text(row, 6)
                    .lines()
                    .map(str::trim)
                    .filter(|line| !line.is_empty())
                    .map(str::to_string)
                    .collect(),
            }
        })
        .collect())
}
