"""Write (or reuse) the national-scale benchmark data: `manage.py generate_national --partnerships N`."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from plans.services.national_data import Shape, national_generate


class Command(BaseCommand):
    help = "Generate N bench partnerships with realistic plans, updates, reviews and history (reuses existing ones)."

    def add_arguments(self, parser):
        parser.add_argument("--partnerships", type=int, default=300, help="How many partnerships (default 300).")
        parser.add_argument("--objectives", type=int, default=Shape.objectives, help="Objectives per partnership.")
        parser.add_argument("--quarters", type=int, default=Shape.quarters, help="Quarters of updates (at most 16).")

    def handle(self, *args, partnerships: int, objectives: int, quarters: int, **options):
        shape = Shape(objectives=objectives, quarters=min(quarters, Shape.quarters))
        log = self.stdout.write if options["verbosity"] > 1 else None
        result = national_generate(partnerships=partnerships, shape=shape, log=log)
        self.stdout.write(
            f"generate_national: {result['made']} partnerships written, {result['reused']} reused, "
            f"{result['seconds']} s"
        )
