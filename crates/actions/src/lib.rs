//! Safe actions (issue 8; seed 000's `ai.analyst.action.proposal` and
//! `ai.analyst.action.execution`): the analyst may suggest a change to the business, it never
//! makes one on its own.
//!
//! A [`proposal`] is built from data the store holds (never from text a model or a file
//! wrote), with a typed [`Payload`], a preview of what will change, a risk level and the group
//! that must approve it. Its payload is stored once and hashed; every [`decide::approve`] signs
//! that hash, and the [`execution`] job writes exactly the stored payload after checking the
//! signatures, the executing user's rights and that the data has not moved since (prices,
//! stock, active products). Execution is one transaction that also marks the proposal
//! executed, so a retry after a crash, or a second execute, writes nothing twice. With an
//! ERP connected, an [`ErpWriter`] writes the payload there first, idempotently by the
//! proposal's reference.

pub mod decide;
mod erp;
mod error;
pub mod execution;
mod kinds;
mod payload;
pub mod proposal;
mod settings;

pub use erp::{ErpFailure, ErpWriter};
pub use error::ActionError;
pub use kinds::ProposalRequest;
pub use payload::{
    ActivityPayload, ArchivePayload, ArchivedProduct, OrderLine, Payload, PurchaseOrderPayload,
    ReorderRulePayload, RuleLevels,
};
pub use proposal::{
    Approval, Origin, Preview, PreviewLine, Proposal, ProposalFilter, ProposalKind, ProposalState,
    Risk, create, get, list,
};
pub use settings::ActionSettings;

pub type Result<T, E = ActionError> = std::result::Result<T, E>;
