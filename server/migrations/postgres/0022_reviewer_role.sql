-- A new role, reviewer (issue 16): checks mystery visits before they count.
ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check
    CHECK (role IN ('admin', 'regional_manager', 'store_manager', 'shopper', 'employee', 'reviewer'));
