from tests.border.conftest import border, camera_key  # noqa: F401
