-- The fleet views now use exactly the unit's daily-report definitions (GET /api/v1/reports/daily): incoming
-- calls only (calls the unit places are not answered by the desk), `answered` = outcome 'answered', and the
-- within-budget share is of answered calls. (002 counted outgoing calls and any call with answered_at set.)
DROP VIEW deskphone.fleet_day;
DROP VIEW deskphone.desk_day;

-- Fleet reports per desk per day (SPEC R12), with the unit's daily-report definitions:
--   day           the call's start date in the unit's own time zone (time_zone column)
--   calls         every incoming call record of that day (calls the unit placed are left out, as in the unit's report)
--   answered      calls whose outcome is 'answered'
--   within_budget answered calls not late (late = answered after the ring budget, R1/R2)
--   within_budget_share  within_budget / answered (null when none was answered)
--   avg_answer_ms average of answered_at - started_at over answered calls
--   avg_talk_ms   average talk_ms over answered calls
--   over_3_min / over_5_min  calls whose talk_ms is over 180 000 / 300 000 (R5)
--   missed / abandoned       outcome 'missed' / 'abandoned'
-- Rows that so far hold only annotations (record_seq null) are left out.
CREATE VIEW deskphone.desk_day AS
SELECT
  c.unit_id,
  (c.started_at AT TIME ZONE c.time_zone)::date AS day,
  count(*)::integer AS calls,
  count(*) FILTER (WHERE c.outcome = 'answered')::integer AS answered,
  count(*) FILTER (WHERE c.outcome = 'answered' AND NOT c.late)::integer AS within_budget,
  (count(*) FILTER (WHERE c.outcome = 'answered' AND NOT c.late))::numeric / nullif(count(*) FILTER (WHERE c.outcome = 'answered'), 0) AS within_budget_share,
  avg(extract(epoch FROM (c.answered_at - c.started_at)) * 1000) FILTER (WHERE c.outcome = 'answered' AND c.answered_at IS NOT NULL) AS avg_answer_ms,
  avg(c.talk_ms) FILTER (WHERE c.outcome = 'answered') AS avg_talk_ms,
  count(*) FILTER (WHERE c.talk_ms > 180000)::integer AS over_3_min,
  count(*) FILTER (WHERE c.talk_ms > 300000)::integer AS over_5_min,
  count(*) FILTER (WHERE c.outcome = 'missed')::integer AS missed,
  count(*) FILTER (WHERE c.outcome = 'abandoned')::integer AS abandoned
FROM deskphone.calls c
WHERE c.record_seq IS NOT NULL AND c.direction = 'incoming'
GROUP BY c.unit_id, (c.started_at AT TIME ZONE c.time_zone)::date;

-- The same figures for the whole fleet per day (days in each desk's own zone).
CREATE VIEW deskphone.fleet_day AS
SELECT
  day,
  count(DISTINCT unit_id)::integer AS desks,
  sum(calls)::integer AS calls,
  sum(answered)::integer AS answered,
  sum(within_budget)::integer AS within_budget,
  sum(within_budget)::numeric / nullif(sum(answered), 0) AS within_budget_share,
  sum(avg_answer_ms * answered) / nullif(sum(answered), 0) AS avg_answer_ms,
  sum(avg_talk_ms * answered) / nullif(sum(answered), 0) AS avg_talk_ms,
  sum(over_3_min)::integer AS over_3_min,
  sum(over_5_min)::integer AS over_5_min,
  sum(missed)::integer AS missed,
  sum(abandoned)::integer AS abandoned
FROM deskphone.desk_day
GROUP BY day;
