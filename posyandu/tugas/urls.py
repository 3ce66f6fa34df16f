from django.urls import path

from posyandu.tugas import views

app_name = "tugas"
urlpatterns = [
    path("", views.my_tasks, name="mine"),
    path("cetak/", views.print_list, name="print"),
    path("ringkasan/", views.supervision, name="supervision"),
    path("target/", views.target_list, name="targets"),
    path("orang/<uuid:public_id>/", views.person_tasks, name="person"),
    path("<uuid:public_id>/", views.task_detail, name="detail"),
]
