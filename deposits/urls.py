app_name = "deposits"

urlpatterns = []
