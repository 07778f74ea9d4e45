-- The programme office: loads and revises the roadmaps of a territory and those below it.
ALTER TABLE account_roles DROP CONSTRAINT account_roles_role_check;
ALTER TABLE account_roles ADD CONSTRAINT account_roles_role_check
    CHECK (role IN ('administrator', 'coordinator', 'bureau_member', 'council_member', 'faction_staff', 'observer', 'programme_office'));
