//! The admin's pages: topic library, stakeholder groups, cycles with their links and progress.

pub mod cycles;
pub mod groups;
pub mod iro_form;
pub mod mail;
pub mod matters;
pub mod register;
pub mod register_import;
pub mod scoring;
pub mod topic_matters;
pub mod topics;
