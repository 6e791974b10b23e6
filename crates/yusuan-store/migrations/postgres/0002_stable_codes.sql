-- Scope, stage and status are kept as stable codes, not as the labels pages show: a label can
-- change with the wording of a page, a code cannot.
UPDATE documents SET
    scope = CASE scope WHEN '部门' THEN 'department' WHEN '单位' THEN 'unit' ELSE scope END,
    stage = CASE stage WHEN '预算' THEN 'budget' WHEN '决算' THEN 'final_accounts' ELSE stage END,
    status = CASE status
        WHEN '通过' THEN 'passed'
        WHEN '有错误' THEN 'errors'
        WHEN '有警告' THEN 'warnings'
        WHEN '未核对' THEN 'unchecked'
        ELSE status END;
