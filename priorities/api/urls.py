"""Routes of the priorities API."""

from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("priorities", views.PriorityViewSet, basename="priority")
router.register("indicators", views.IndicatorViewSet, basename="indicator")
router.register("indicator-readings", views.IndicatorReadingViewSet, basename="indicator-reading")

urlpatterns = router.urls
