from django.urls import reverse


def test_marking_read_ignores_ids_with_unusual_digits(client_for, salesperson):
    response = client_for(salesperson).post(
        reverse("inbox_mark_read"), {"notification": ["²", "1"]}
    )

    assert response.status_code == 302
