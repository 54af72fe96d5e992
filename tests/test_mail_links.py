"""Links in e-mail to readers: signed for one purpose, refused when altered, used for another
purpose or too old; and the one-click unsubscribe headers (RFC 8058) arriving as sent through a
real SMTP server (the `mail_server` fixture)."""

from django.core import mail as django_mail

from newsroom import mail


def test_a_token_opens_only_its_own_purpose_and_not_once_altered():
    token = mail.sign("confirm", "reader@example.org")
    assert mail.unsign("confirm", token) == "reader@example.org"
    assert mail.unsign("unsubscribe", token) is None, "made to confirm, it cannot unsubscribe"
    assert mail.unsign("confirm", token.replace("reader", "other")) is None
    assert mail.unsign("confirm", "not a token") is None


def test_a_token_refused_once_older_than_its_limit(clock):
    token = mail.sign("confirm", "reader@example.org")
    clock.advance(47 * 3600)
    assert mail.unsign("confirm", token, max_age=48 * 3600) == "reader@example.org"
    clock.advance(2 * 3600)
    assert mail.unsign("confirm", token, max_age=48 * 3600) is None
    assert mail.unsign("confirm", token) == "reader@example.org", "no limit: still good"


def test_a_message_carries_both_parts_and_the_one_click_headers(mail_server, settings):
    settings.SITE_URL = "https://news.example.org"
    link = mail.absolute("/newsletters/leave/abc")
    with django_mail.get_connection() as connection:
        mail.message(
            subject="The Morning Briefing",
            text="Good morning.",
            html="<p>Good morning.</p>",
            to="reader@example.org",
            headers=mail.one_click_headers(link),
            connection=connection,
        ).send()
    (received,) = mail_server.to("reader@example.org")
    assert received["List-Unsubscribe"] == "<https://news.example.org/newsletters/leave/abc>"
    assert received["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert received.get_body(("plain",)).get_content().strip() == "Good morning."
    assert "<p>Good morning.</p>" in received.get_body(("html",)).get_content()


def test_a_refused_mailbox_is_refused_by_the_server(mail_server):
    mail_server.refuse.add("gone@example.org")
    sent = mail.message(subject="Hi", text="Hi", html=None, to="gone@example.org")
    try:
        sent.send()
    except Exception as error:  # smtplib.SMTPRecipientsRefused
        assert "gone@example.org" in str(error)
    else:
        raise AssertionError("the server refused the only recipient: sending must fail")
    assert mail_server.messages == []
