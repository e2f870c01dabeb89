"""Student portal: the profile on students, looking-along sessions and staff contact details

Revision ID: 0005p
Revises: 0004
Create Date: 2026-12-03 15:20:57.682182
"""
from alembic import op
import sqlalchemy as sa
import mijnportfolio.adapters.orm


revision = '0005p'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('staff_contacts',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('phone', sa.String(length=50), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_staff_contacts_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_staff_contacts'))
    )
    op.create_table('impersonation_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('staff_user_id', sa.Integer(), nullable=False),
    sa.Column('student_id', sa.Integer(), nullable=False),
    sa.Column('started_at', mijnportfolio.adapters.orm.UTCDateTime(), nullable=False),
    sa.Column('expires_at', mijnportfolio.adapters.orm.UTCDateTime(), nullable=False),
    sa.Column('ended_at', mijnportfolio.adapters.orm.UTCDateTime(), nullable=True),
    sa.Column('end_reason', sa.Enum('stopped', 'expired', 'logged_out', name='endreason', native_enum=False, length=20), nullable=True),
    sa.ForeignKeyConstraint(['staff_user_id'], ['users.id'], name=op.f('fk_impersonation_sessions_staff_user_id_users')),
    sa.ForeignKeyConstraint(['student_id'], ['students.id'], name=op.f('fk_impersonation_sessions_student_id_students')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_impersonation_sessions'))
    )
    with op.batch_alter_table('impersonation_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_impersonation_sessions_staff_user_id'), ['staff_user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_impersonation_sessions_started_at'), ['started_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_impersonation_sessions_student_id'), ['student_id'], unique=False)

    with op.batch_alter_table('students', schema=None) as batch_op:
        batch_op.add_column(sa.Column('street', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('postcode', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('city', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('photo_key', sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column('photo_type', sa.String(length=50), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('students', schema=None) as batch_op:
        batch_op.drop_column('photo_type')
        batch_op.drop_column('photo_key')
        batch_op.drop_column('city')
        batch_op.drop_column('postcode')
        batch_op.drop_column('street')

    with op.batch_alter_table('impersonation_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_impersonation_sessions_student_id'))
        batch_op.drop_index(batch_op.f('ix_impersonation_sessions_started_at'))
        batch_op.drop_index(batch_op.f('ix_impersonation_sessions_staff_user_id'))

    op.drop_table('impersonation_sessions')
    op.drop_table('staff_contacts')
