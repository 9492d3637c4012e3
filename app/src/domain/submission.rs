//! A respondent's answers: how they arrive (form fields or JSON), and the one validation both share.

use super::{Scale, Score};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The longest comment kept per topic, in characters.
pub const MAX_COMMENT_CHARS: usize = 2000;

/// Bytes one comment character can take on the wire: a four-byte UTF-8 character URL-encoded
/// (`%F0%9F%98%80`) or written as a JSON surrogate pair (`\ud83d\ude00`).
const WIRE_BYTES_PER_CHAR: usize = 12;
/// Bytes a score's value can take on the wire (`dk`, `10`, `null`).
const SCORE_BYTES: usize = 4;
/// The largest valid comment on the wire.
const COMMENT_BYTES: usize = MAX_COMMENT_CHARS * WIRE_BYTES_PER_CHAR;

/// The largest valid survey form post for a cycle of `topics` topics, in bytes: per topic the three
/// fields `b.CODE=…&s.CODE=…&c.CODE=…&` with the longest code and comment, plus 256 bytes for `lang`
/// and `intent`. About 410 KB for 17 topics; a larger body is refused (413) before it is read.
pub fn max_form_body(topics: usize) -> usize {
    let name = 2 + super::MAX_CODE_LEN + 2;
    256 + topics * (3 * name + 2 * SCORE_BYTES + COMMENT_BYTES)
}

/// The largest valid JSON submission for a cycle of `topics` topics, in bytes: per answer its keys,
/// the longest code and comment and 128 bytes of white space (pretty-printed JSON fits), plus 512
/// bytes for the token and the outer object.
pub fn max_json_body(topics: usize) -> usize {
    let keys = r#"{"topic":"","business":,"stakeholder":,"comment":""},"#.len();
    512 + topics * (keys + super::MAX_CODE_LEN + 2 * SCORE_BYTES + 128 + COMMENT_BYTES)
}

/// The two axes of the matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Axis {
    /// x: importance to the business.
    Business,
    /// y: importance to stakeholders.
    Stakeholder,
}

impl Axis {
    pub const BOTH: [Axis; 2] = [Axis::Business, Axis::Stakeholder];

    pub fn as_str(self) -> &'static str {
        match self {
            Axis::Business => "business",
            Axis::Stakeholder => "stakeholder",
        }
    }

    pub fn parse(s: &str) -> Option<Axis> {
        Axis::BOTH.into_iter().find(|a| a.as_str() == s)
    }
}

/// One score as it arrived, before it is checked against the scale.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum RawScore {
    /// No answer at all (no radio chosen, or the key absent from JSON).
    Missing,
    /// "Don't know": allowed, stored as no score.
    DontKnow,
    Value(i64),
    /// Something that is not a whole number.
    NotInteger,
}

/// One topic's answer as it arrived.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RawAnswer {
    pub topic: String,
    pub business: RawScore,
    pub stakeholder: RawScore,
    pub comment: Option<String>,
}

/// One topic's answer after validation: scores on the scale, `None` meaning "don't know".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Answer {
    pub topic: String,
    pub business: Option<Score>,
    pub stakeholder: Option<Score>,
    pub comment: Option<String>,
}

impl Answer {
    pub fn score(&self, axis: Axis) -> Option<Score> {
        match axis {
            Axis::Business => self.business,
            Axis::Stakeholder => self.stakeholder,
        }
    }
}

/// What is wrong, as a code the pages translate and the API reports.
// Tests walk every variant (strum, a dev-dependency).
#[cfg_attr(test, derive(strum::EnumIter))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// No point and no "don't know" chosen.
    Missing,
    OffScale,
    NotInteger,
    /// A topic that is not part of the cycle.
    UnknownTopic,
    /// The same topic answered twice.
    Duplicate,
    /// A topic of the cycle left out.
    MissingTopic,
    CommentTooLong,
    /// The cycle is not accepting answers.
    CycleNotOpen,
    /// The request body is not the documented JSON shape.
    Malformed,
}

/// One problem with a submission, located as precisely as possible.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldError {
    /// The topic concerned, when there is one.
    pub topic: Option<String>,
    /// `business`, `stakeholder`, `comment`, `topic`, `answers`, `cycle` or `body`.
    pub field: String,
    pub code: ErrorCode,
}

impl FieldError {
    pub fn new(topic: Option<&str>, field: &str, code: ErrorCode) -> Self {
        FieldError {
            topic: topic.map(str::to_string),
            field: field.to_string(),
            code,
        }
    }
}

/// Checks a whole submission against the cycle's topics (in their order) and scale. Every problem is
/// reported, not only the first, so a respondent can fix them all at once. On success the answers come
/// back in the cycle's topic order with empty comments dropped.
pub fn validate(
    raw: &[RawAnswer],
    topics: &[String],
    scale: Scale,
) -> Result<Vec<Answer>, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut by_topic: HashMap<&str, Answer> = HashMap::new();
    for a in raw {
        let code = a.topic.as_str();
        if !topics.iter().any(|t| t == code) {
            errors.push(FieldError::new(
                Some(code),
                "topic",
                ErrorCode::UnknownTopic,
            ));
            continue;
        }
        if by_topic.contains_key(code) {
            errors.push(FieldError::new(Some(code), "topic", ErrorCode::Duplicate));
            continue;
        }
        let mut score = |axis: Axis, raw: &RawScore| -> Option<Score> {
            let code_err = match raw {
                RawScore::DontKnow => return None,
                RawScore::Value(v) => match Score::parse(*v, scale) {
                    Ok(s) => return Some(s),
                    Err(_) => ErrorCode::OffScale,
                },
                RawScore::Missing => ErrorCode::Missing,
                RawScore::NotInteger => ErrorCode::NotInteger,
            };
            errors.push(FieldError::new(Some(code), axis.as_str(), code_err));
            None
        };
        let business = score(Axis::Business, &a.business);
        let stakeholder = score(Axis::Stakeholder, &a.stakeholder);
        let comment = a
            .comment
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty());
        if comment.is_some_and(|c| c.chars().count() > MAX_COMMENT_CHARS) {
            errors.push(FieldError::new(
                Some(code),
                "comment",
                ErrorCode::CommentTooLong,
            ));
        }
        by_topic.insert(
            code,
            Answer {
                topic: code.to_string(),
                business,
                stakeholder,
                comment: comment.map(str::to_string),
            },
        );
    }
    for t in topics {
        if !by_topic.contains_key(t.as_str()) {
            errors.push(FieldError::new(Some(t), "topic", ErrorCode::MissingTopic));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(topics
        .iter()
        .filter_map(|t| by_topic.remove(t.as_str()))
        .collect())
}

/// Names of the form fields of a topic: `b.E1`, `s.E1`, `c.E1`. The value `dk` means "don't know".
pub fn form_field(axis_or_comment: char, topic: &str) -> String {
    format!("{axis_or_comment}.{topic}")
}

/// The value of the "don't know" radio button.
pub const DONT_KNOW: &str = "dk";

/// Reads the questionnaire's form fields, for the cycle's topics, into raw answers. Used by the plain
/// form post and by the hydrated page alike, so the two cannot drift apart.
/// The first value of a name counts; one pass over the fields, however many there are.
pub fn answers_from_form(fields: &[(String, String)], topics: &[String]) -> Vec<RawAnswer> {
    let mut by_name: std::collections::HashMap<&str, &str> = std::collections::HashMap::new();
    for (k, v) in fields {
        by_name.entry(k.as_str()).or_insert(v.as_str());
    }
    let get = |name: String| by_name.get(name.as_str()).copied();
    let score = |v: Option<&str>| match v {
        None | Some("") => RawScore::Missing,
        Some(DONT_KNOW) => RawScore::DontKnow,
        Some(v) => v
            .trim()
            .parse::<i64>()
            .map(RawScore::Value)
            .unwrap_or(RawScore::NotInteger),
    };
    topics
        .iter()
        .map(|t| RawAnswer {
            topic: t.clone(),
            business: score(get(form_field('b', t))),
            stakeholder: score(get(form_field('s', t))),
            comment: get(form_field('c', t)).map(str::to_string),
        })
        .collect()
}

/// A JSON submission of `POST /api/v1/responses`, taken apart by hand so that every problem becomes a
/// field error instead of one opaque parse failure.
pub struct JsonSubmission {
    pub token: String,
    pub answers: Vec<RawAnswer>,
}

pub fn parse_json_submission(body: &[u8]) -> Result<JsonSubmission, Vec<FieldError>> {
    use serde_json::Value;
    let malformed = |field: &str| vec![FieldError::new(None, field, ErrorCode::Malformed)];
    let value: Value = serde_json::from_slice(body).map_err(|_| malformed("body"))?;
    let token = value
        .get("token")
        .and_then(Value::as_str)
        .ok_or_else(|| malformed("token"))?;
    let list = value
        .get("answers")
        .and_then(Value::as_array)
        .ok_or_else(|| malformed("answers"))?;
    let mut answers = Vec::with_capacity(list.len());
    let mut errors = Vec::new();
    for item in list {
        let Some(topic) = item.get("topic").and_then(Value::as_str) else {
            errors.push(FieldError::new(None, "topic", ErrorCode::Malformed));
            continue;
        };
        let score = |key: &str| match item.get(key) {
            None => RawScore::Missing,
            Some(Value::Null) => RawScore::DontKnow,
            Some(v) => v
                .as_i64()
                .map(RawScore::Value)
                .unwrap_or(RawScore::NotInteger),
        };
        let comment = match item.get("comment") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(_) => {
                errors.push(FieldError::new(
                    Some(topic),
                    "comment",
                    ErrorCode::Malformed,
                ));
                None
            }
        };
        answers.push(RawAnswer {
            topic: topic.to_string(),
            business: score("business"),
            stakeholder: score("stakeholder"),
            comment,
        });
    }
    if errors.is_empty() {
        Ok(JsonSubmission {
            token: token.to_string(),
            answers,
        })
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn topics() -> Vec<String> {
        vec!["E1".into(), "S1".into(), "G1".into()]
    }

    fn raw(topic: &str, b: RawScore, s: RawScore) -> RawAnswer {
        RawAnswer {
            topic: topic.into(),
            business: b,
            stakeholder: s,
            comment: None,
        }
    }

    fn full() -> Vec<RawAnswer> {
        vec![
            raw("G1", RawScore::Value(1), RawScore::Value(2)),
            raw("E1", RawScore::Value(5), RawScore::DontKnow),
            raw("S1", RawScore::DontKnow, RawScore::DontKnow),
        ]
    }

    #[test]
    fn valid_submission_comes_back_in_cycle_order() {
        let ok = validate(&full(), &topics(), Scale::FIVE).unwrap();
        let codes: Vec<_> = ok.iter().map(|a| a.topic.as_str()).collect();
        assert_eq!(codes, ["E1", "S1", "G1"]);
        assert_eq!(ok[0].business.map(Score::get), Some(5));
        assert_eq!(ok[0].stakeholder, None);
    }

    #[test]
    fn every_problem_is_reported_with_its_place() {
        let cases: Vec<(Vec<RawAnswer>, Vec<FieldError>)> = vec![
            (
                vec![
                    raw("E1", RawScore::Value(6), RawScore::Value(0)),
                    full()[0].clone(),
                    full()[2].clone(),
                ],
                vec![
                    FieldError::new(Some("E1"), "business", ErrorCode::OffScale),
                    FieldError::new(Some("E1"), "stakeholder", ErrorCode::OffScale),
                ],
            ),
            (
                vec![
                    raw("E1", RawScore::Missing, RawScore::NotInteger),
                    full()[0].clone(),
                    full()[2].clone(),
                ],
                vec![
                    FieldError::new(Some("E1"), "business", ErrorCode::Missing),
                    FieldError::new(Some("E1"), "stakeholder", ErrorCode::NotInteger),
                ],
            ),
            (
                {
                    let mut v = full();
                    v.push(raw("X9", RawScore::Value(1), RawScore::Value(1)));
                    v
                },
                vec![FieldError::new(
                    Some("X9"),
                    "topic",
                    ErrorCode::UnknownTopic,
                )],
            ),
            (
                {
                    let mut v = full();
                    v.push(full()[1].clone());
                    v
                },
                vec![FieldError::new(Some("E1"), "topic", ErrorCode::Duplicate)],
            ),
            (
                full()[..2].to_vec(),
                vec![FieldError::new(
                    Some("S1"),
                    "topic",
                    ErrorCode::MissingTopic,
                )],
            ),
        ];
        for (answers, expected) in cases {
            assert_eq!(
                validate(&answers, &topics(), Scale::FIVE).unwrap_err(),
                expected
            );
        }
    }

    #[test]
    fn comments_are_trimmed_and_bounded() {
        let mut v = full();
        v[0].comment = Some("  ".into());
        v[1].comment = Some(" 很好 ".into());
        let ok = validate(&v, &topics(), Scale::FIVE).unwrap();
        assert_eq!(ok[2].comment, None);
        assert_eq!(ok[0].comment.as_deref(), Some("很好"));

        v[1].comment = Some("字".repeat(MAX_COMMENT_CHARS));
        assert!(validate(&v, &topics(), Scale::FIVE).is_ok());
        v[1].comment = Some("字".repeat(MAX_COMMENT_CHARS + 1));
        assert_eq!(
            validate(&v, &topics(), Scale::FIVE).unwrap_err(),
            vec![FieldError::new(
                Some("E1"),
                "comment",
                ErrorCode::CommentTooLong
            )]
        );
    }

    #[test]
    fn form_fields_become_raw_answers() {
        let fields: Vec<(String, String)> = [
            ("b.E1", "4"),
            ("s.E1", "dk"),
            ("c.E1", "note"),
            ("b.S1", "x"),
            ("s.G1", ""),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let got = answers_from_form(&fields, &topics());
        assert_eq!(
            got[0],
            RawAnswer {
                topic: "E1".into(),
                business: RawScore::Value(4),
                stakeholder: RawScore::DontKnow,
                comment: Some("note".into())
            }
        );
        assert_eq!(got[1].business, RawScore::NotInteger);
        assert_eq!(got[1].stakeholder, RawScore::Missing);
        assert_eq!(got[2].stakeholder, RawScore::Missing);
    }

    #[test]
    fn json_submissions() {
        let ok = parse_json_submission(
            br#"{"token":"t","answers":[{"topic":"E1","business":4,"stakeholder":null,"comment":"c"},{"topic":"S1","business":4.5}]}"#,
        )
        .unwrap();
        assert_eq!(ok.token, "t");
        assert_eq!(ok.answers[0].business, RawScore::Value(4));
        assert_eq!(ok.answers[0].stakeholder, RawScore::DontKnow);
        assert_eq!(ok.answers[0].comment.as_deref(), Some("c"));
        assert_eq!(ok.answers[1].business, RawScore::NotInteger);
        assert_eq!(ok.answers[1].stakeholder, RawScore::Missing);

        for (body, field) in [
            (&b"not json"[..], "body"),
            (br#"{"answers":[]}"#, "token"),
            (br#"{"token":"t"}"#, "answers"),
            (br#"{"token":"t","answers":[{"business":1}]}"#, "topic"),
            (
                br#"{"token":"t","answers":[{"topic":"E1","comment":5}]}"#,
                "comment",
            ),
        ] {
            let errs = parse_json_submission(body).err().expect("an error");
            assert_eq!(errs[0].field, field);
            assert_eq!(errs[0].code, ErrorCode::Malformed);
        }
    }

    #[test]
    fn axes_by_name_and_an_answer_by_axis() {
        assert_eq!(Axis::parse("business"), Some(Axis::Business));
        assert_eq!(Axis::parse("stakeholder"), Some(Axis::Stakeholder));
        assert_eq!(Axis::parse("other"), None);
        let a = Answer {
            topic: "E1".into(),
            business: Some(Score::parse(2, Scale::FIVE).unwrap()),
            stakeholder: None,
            comment: None,
        };
        assert_eq!(a.score(Axis::Business), a.business);
        assert_eq!(a.score(Axis::Stakeholder), None);
    }
}
