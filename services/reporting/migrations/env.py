from alembic import context

from reporting.models import Base
from zhengdun.migrations import run_env
from zhengdun.settings import settings_for

if not context.config.get_main_option("sqlalchemy.url"):
    context.config.set_main_option("sqlalchemy.url", settings_for("reporting").database_url)
run_env(Base.metadata)
