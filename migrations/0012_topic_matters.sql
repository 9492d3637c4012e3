-- Stakeholder input to a double-materiality assessment (issue 13): each survey topic of the cycle may
-- inform one of its sustainability matters, whose row then shows the topic's stakeholder figures
-- beside its IRO scores. A topic taken off the cycle leaves its row behind unread (the store reads
-- the topics the cycle asks); a matter removed takes its rows with it.
CREATE TABLE topic_matters (
    cycle_id   INTEGER NOT NULL REFERENCES cycles (id) ON DELETE CASCADE,
    topic_code TEXT    NOT NULL,
    matter_id  INTEGER NOT NULL REFERENCES matters (id) ON DELETE CASCADE,
    PRIMARY KEY (cycle_id, topic_code)
);
CREATE INDEX topic_matters_matter ON topic_matters (matter_id);
