"""Routes of the partnership core API."""

from rest_framework.routers import SimpleRouter

from . import people, views

router = SimpleRouter()
router.register("partnerships", views.PartnershipViewSet, basename="partnership")
router.register("agencies", views.AgencyViewSet, basename="agency")
router.register("people", views.PersonViewSet, basename="person")
router.register("groups", views.GroupViewSet, basename="group")
router.register("memberships", people.MembershipViewSet, basename="membership")
router.register("users", people.UserViewSet, basename="user")
router.register("reporting-periods", views.ReportingPeriodViewSet, basename="reporting-period")

urlpatterns = router.urls
