"""Routes of the plans API."""

from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("plans", views.PlanViewSet, basename="plan")
router.register("sections", views.SectionViewSet, basename="section")
router.register("consultation-activities", views.ConsultationActivityViewSet, basename="consultation-activity")
router.register("objectives", views.ObjectiveViewSet, basename="objective")
router.register("updates", views.QuarterlyUpdateViewSet, basename="update")
router.register("reviews", views.ReviewViewSet, basename="review")
router.register("escalations", views.EscalationViewSet, basename="escalation")

urlpatterns = router.urls
