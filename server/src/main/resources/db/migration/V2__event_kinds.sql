-- The audit trail records more than transitions: a rename or a change of visibility is an
-- event too, with the value before and after. Such an event leaves the status as it was
-- (from_status = to_status = the job's status at the time). Written to run unchanged on H2
-- and PostgreSQL; the events already stored are transitions.

ALTER TABLE job_events ADD COLUMN kind VARCHAR(32) DEFAULT 'transition' NOT NULL;

-- Display names are at most 256 characters; accessibility is PRIVATE or PUBLIC.
ALTER TABLE job_events ADD COLUMN old_value VARCHAR(1000);
ALTER TABLE job_events ADD COLUMN new_value VARCHAR(1000);
