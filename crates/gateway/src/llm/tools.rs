//! What the model is shown: the tools the asker may use in their workspace (schemas from the
//! registry, `sales_by_dimension`'s from the dictionary) and a system prompt with the
//! workspace and the dictionary's names. Never the SQL console, admin routes or approvals:
//! only the registry's read tools exist here.

use analyst_core::{Dimension, Measure, Tool};
use analyst_llm::ToolSpec;
use analyst_nlu::Vocabulary;
use serde_json::{Value as Json, json};

use crate::Access;

/// The inline row cap a model may ask for (larger results are exported, not read by a model).
pub(crate) const MAX_MODEL_LIMIT: u32 = 500;

/// Values of a dimension listed in the prompt at most (the rest are found by the tools).
const VALUES_IN_PROMPT: usize = 40;

/// Dimensions whose known values the prompt lists, so the model spells them right.
const LISTED_DIMENSIONS: [Dimension; 6] = [
    Dimension::Brand,
    Dimension::Category,
    Dimension::Channel,
    Dimension::Store,
    Dimension::Season,
    Dimension::Company,
];

/// The tools `access` may use in its workspace, in registry order.
pub(crate) fn allowed_tools(access: &Access) -> Vec<Tool> {
    Tool::ALL
        .iter()
        .copied()
        .filter(|tool| access.refusal(*tool).is_none())
        .collect()
}

/// The specs given to the model for `tools`.
pub(crate) fn specs(tools: &[Tool]) -> Vec<ToolSpec> {
    tools
        .iter()
        .map(|tool| {
            let registered = analyst_tools::spec(*tool);
            ToolSpec {
                name: tool.name().to_string(),
                description: registered.description.to_string(),
                parameters: parameters(*tool, &registered.params_schema),
            }
        })
        .collect()
}

/// The JSON schema of a tool's arguments: a semantic query without its `tool`.
pub(crate) fn parameters(tool: Tool, params_schema: &Json) -> Json {
    let sales_dimensions: Vec<&str> = Dimension::ALL
        .iter()
        .filter(|dimension| !dimension.is_helpdesk())
        .map(|dimension| dimension.name())
        .collect();
    let all_dimensions: Vec<&str> = Dimension::ALL.iter().map(|d| d.name()).collect();
    let dimensions = if tool == Tool::HelpdeskSummary {
        all_dimensions
    } else {
        sales_dimensions
    };
    let measures: Vec<&str> = Measure::ALL.iter().map(|measure| measure.name()).collect();
    let period = json!({"type": "object", "additionalProperties": false,
        "description": "inclusive dates; omitted: the last 30 whole days",
        "properties": {"start": {"type": "string", "format": "date"},
                       "end": {"type": "string", "format": "date"},
                       "label": {"type": "string", "description": "how the user named it"}},
        "required": ["start", "end"]});
    let filters = json!({"type": "array", "items": {"type": "object", "additionalProperties": false,
        "properties": {"field": {"type": "string", "enum": dimensions},
                       "op": {"type": "string", "enum": ["in", "not_in"]},
                       "values": {"type": "array", "items": {"type": "string"}, "minItems": 1}},
        "required": ["field", "values"]}});
    let limit = json!({"type": "integer", "minimum": 1, "maximum": MAX_MODEL_LIMIT});
    let dimension_list = json!({"type": "array", "items": {"type": "string", "enum": dimensions}});
    if tool != Tool::SalesByDimension {
        return json!({"type": "object", "additionalProperties": false,
            "properties": {"dimensions": dimension_list, "filters": filters, "period": period,
                           "limit": limit, "params": params_schema}});
    }
    let mut order_fields: Vec<&str> = measures.clone();
    order_fields.extend(dimensions.iter().copied());
    json!({"type": "object", "additionalProperties": false,
        "properties": {
            "measures": {"type": "array", "items": {"type": "string", "enum": measures}, "minItems": 1},
            "dimensions": dimension_list,
            "filters": filters,
            "period": period,
            "compare": {"type": "object", "additionalProperties": false,
                        "properties": {"kind": {"type": "string", "enum": ["previous_period", "previous_year"]}},
                        "required": ["kind"]},
            "grain": {"type": "string", "enum": ["day", "week", "month", "quarter", "year"]},
            "order": {"type": "array", "items": {"type": "object", "additionalProperties": false,
                      "properties": {"field": {"type": "string", "enum": order_fields},
                                     "desc": {"type": "boolean"}},
                      "required": ["field"]}},
            "limit": limit},
        "required": ["measures"]})
}

/// The system prompt: the role, the rules, the workspace and the dictionary's names.
pub(crate) fn system_prompt(access: &Access, vocabulary: &Vocabulary, today: &str) -> String {
    let mut prompt = String::from(
        "You are the analyst of a retail and distribution business. Answer the user's question \
         by calling the tools given to you; you never write SQL and cannot run any. Every figure \
         you write must come from a tool result: never compute, estimate or invent one. If the \
         tools cannot answer, say so plainly. Keep the answer short, in the user's language.\n",
    );
    prompt.push_str(&format!("Today is {today}.\n"));
    if let Some(workspace) = access
        .workspace
        .as_deref()
        .and_then(|code| access.workspace_named(code))
    {
        prompt.push_str(&format!(
            "Workspace: {} — {}\n",
            workspace.name, workspace.description
        ));
    }
    let measures: Vec<String> = Measure::ALL
        .iter()
        .map(|measure| format!("{} ({})", measure.name(), measure.label()))
        .collect();
    prompt.push_str(&format!("Measures: {}.\n", measures.join(", ")));
    let dimensions: Vec<&str> = Dimension::ALL.iter().map(|d| d.name()).collect();
    prompt.push_str(&format!("Dimensions: {}.\n", dimensions.join(", ")));
    let synonyms: Vec<String> = vocabulary
        .dimension_synonyms
        .iter()
        .map(|(word, dimension)| format!("{word} = {dimension}"))
        .chain(
            vocabulary
                .measure_synonyms
                .iter()
                .map(|(word, measure)| format!("{word} = {measure}")),
        )
        .collect();
    if !synonyms.is_empty() {
        prompt.push_str(&format!("Synonyms: {}.\n", synonyms.join("; ")));
    }
    for dimension in LISTED_DIMENSIONS {
        let Some(values) = vocabulary.values.get(&dimension).filter(|v| !v.is_empty()) else {
            continue;
        };
        let shown: Vec<&str> = values
            .iter()
            .take(VALUES_IN_PROMPT)
            .map(String::as_str)
            .collect();
        prompt.push_str(&format!(
            "Known {} values: {}.\n",
            dimension.name(),
            shown.join(", ")
        ));
    }
    prompt
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sales_schema_names_the_dictionary_and_refuses_other_keys() {
        let schema = parameters(Tool::SalesByDimension, &json!({}));
        assert_eq!(schema["additionalProperties"], json!(false));
        let measures = schema["properties"]["measures"]["items"]["enum"].to_string();
        assert!(measures.contains("\"margin_pct\""), "{measures}");
        let dimensions = schema["properties"]["dimensions"]["items"]["enum"].to_string();
        assert!(dimensions.contains("\"brand\"") && !dimensions.contains("\"team\""));
        assert_eq!(schema["required"], json!(["measures"]));
    }

    #[test]
    fn other_tools_carry_their_registry_params() {
        let registered = analyst_tools::spec(Tool::DeadStock);
        let schema = parameters(Tool::DeadStock, &registered.params_schema);
        assert_eq!(schema["properties"]["params"], registered.params_schema);
        assert!(schema["properties"].get("measures").is_none());
    }
}
