-- One definition of "the target in force on a day": the latest revision in force that applies
-- by then (latest day first, then latest proposal), else the approved value. The due list, the
-- entry form, a proposal's old value and an import's revisions all read it from here; the
-- evaluator adds its cutoff (decided before the end of its as-of day) to the same rule.
CREATE FUNCTION target_in_force(indicator bigint, territory bigint, period date, day date, approved double precision)
    RETURNS double precision LANGUAGE sql STABLE PARALLEL SAFE
    RETURN coalesce((SELECT v.new_value FROM target_revisions v
                      WHERE v.indicator_id = indicator AND v.territory_id = territory AND v.period_start = period
                        AND v.status = 'in_force' AND v.applies_from <= day
                      ORDER BY v.applies_from DESC, v.id DESC LIMIT 1), approved);
