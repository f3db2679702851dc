"""Routes of the reports API."""

from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("reports", views.ReportJobViewSet, basename="report-job")

urlpatterns = router.urls
