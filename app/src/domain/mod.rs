//! Pure types and rules of the materiality method. No IO: this module compiles for the browser and the
//! server alike and is tested hard on its own.

pub mod compose;
pub mod cycle;
pub mod disclosure;
pub mod dm_confirm;
pub mod dm_disclosure;
pub mod dm_export;
pub mod dm_material;
pub mod double_materiality;
pub mod evidence;
pub mod group;
pub mod iro;
pub mod library;
pub mod mail;
pub mod matters;
pub mod register_file;
pub mod results;
pub mod review;
pub mod scale;
pub mod stakeholder_input;
pub mod stats;
pub mod submission;
pub mod survey;
pub mod throttle;
pub mod token;
pub mod topic;
pub mod user;

pub use compose::*;
pub use cycle::*;
pub use disclosure::*;
pub use group::*;
pub use library::*;
pub use results::*;
pub use review::*;
pub use scale::*;
pub use stats::*;
pub use submission::*;
pub use survey::*;
pub use token::*;
pub use topic::*;
pub use user::*;
