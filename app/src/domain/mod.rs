//! Pure types and rules of the materiality method. No IO: this module compiles for the browser and the
//! server alike and is tested hard on its own.

pub mod results;
pub mod scale;
pub mod stats;
pub mod submission;
pub mod survey;
pub mod throttle;
pub mod token;
pub mod topic;
pub mod user;

pub use results::*;
pub use scale::*;
pub use stats::*;
pub use submission::*;
pub use survey::*;
pub use token::*;
pub use topic::*;
pub use user::*;
