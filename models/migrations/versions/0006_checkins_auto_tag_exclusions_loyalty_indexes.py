"""loyalty: group check-ins, auto-tag exclusions, indexes for the points and tier columns

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05

- point_entry.group_id: the group a 社群打卡 entry was earned in (services.points.record_checkins).
- auto_tag_exclusion: a rule's tag the seller took off by hand stays off (services.auto_tags).
- customer indexes on (deleted_at, points_balance / member_level / tier_id): the customer list sorts
  and the care reminders filter by them at 100,000 customers.
- purchase (product_id, purchased_on): 今天's 该复购了 reads each cycled product's purchases since a day.

Plain Alembic operations only, so it runs on SQLite and PostgreSQL alike. The customer indexes use
op.create_index, not a batch: a batch on SQLite could rebuild the customer table and drop its search
triggers.
"""

from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('auto_tag_exclusion',
    sa.Column('rule_id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_auto_tag_exclusion_customer_id_customer'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['rule_id'], ['auto_tag_rule.id'], name=op.f('fk_auto_tag_exclusion_rule_id_auto_tag_rule'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('rule_id', 'customer_id', name=op.f('pk_auto_tag_exclusion'))
    )
    op.create_index(op.f('ix_auto_tag_exclusion_customer_id'), 'auto_tag_exclusion', ['customer_id'], unique=False)

    with op.batch_alter_table('point_entry', schema=None) as batch_op:
        batch_op.add_column(sa.Column('group_id', sa.Integer(), nullable=True))
        batch_op.create_index('ix_point_entry_group', ['group_id', 'entry_on'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_point_entry_group_id_chat_group'), 'chat_group', ['group_id'], ['id'], ondelete='SET NULL')

    op.create_index('ix_customer_live_points', 'customer', ['deleted_at', 'points_balance'], unique=False)
    op.create_index('ix_customer_live_level', 'customer', ['deleted_at', 'member_level'], unique=False)
    op.create_index('ix_customer_live_tier', 'customer', ['deleted_at', 'tier_id'], unique=False)
    op.create_index('ix_purchase_product_day', 'purchase', ['product_id', 'purchased_on'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_purchase_product_day', table_name='purchase')
    op.drop_index('ix_customer_live_tier', table_name='customer')
    op.drop_index('ix_customer_live_level', table_name='customer')
    op.drop_index('ix_customer_live_points', table_name='customer')

    with op.batch_alter_table('point_entry', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_point_entry_group_id_chat_group'), type_='foreignkey')
        batch_op.drop_index('ix_point_entry_group')
        batch_op.drop_column('group_id')

    op.drop_index(op.f('ix_auto_tag_exclusion_customer_id'), table_name='auto_tag_exclusion')
    op.drop_table('auto_tag_exclusion')
