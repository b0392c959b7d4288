from django.apps import AppConfig


class ProfilesConfig(AppConfig):
    name = "wareview.profiles"
    verbose_name = "Workload profiles"

    def ready(self) -> None:
        # A review started after the workload's profile was answered gets the profile's marks as it starts.
        from wareview.profiles import receivers
        from wareview.reviews.signals import review_started

        review_started.connect(receivers.review_started, dispatch_uid="profiles.mark_new_reviews")
