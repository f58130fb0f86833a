app_name = "blacklist"

urlpatterns = []
