"""Canonical content, signatures and seals: a changed byte fails; rotated keys keep old seals valid."""
from acceptance.domain import signing


def test_canonical_text_is_order_independent():
    assert signing.canonical_text({"b": 1, "a": "验收"}) == signing.canonical_text({"a": "验收", "b": 1}) == '{"a":"验收","b":1}'


def test_seal_verifies_and_a_changed_byte_fails():
    private, public = signing.new_key_pair()
    text = signing.canonical_text({"village": "990102101201", "conclusion": "通过"})
    sealed = signing.seal(private, text)
    assert signing.seal_verifies(public, text, sealed)
    assert not signing.seal_verifies(public, text.replace("通过", "不通"), sealed)
    assert not signing.signature_verifies(signing.digest(text), text[:-2] + "x}")


def test_old_seal_verifies_with_old_key_after_rotation():
    old_private, old_public = signing.new_key_pair()
    new_private, new_public = signing.new_key_pair()
    text = "x"
    old = signing.seal(old_private, text)
    assert signing.seal_verifies(old_public, text, old)
    assert not signing.seal_verifies(new_public, text, old)


def test_private_key_is_encrypted_at_rest_and_needs_the_passphrase():
    private, public = signing.new_key_pair(b"secret")
    assert "ENCRYPTED PRIVATE KEY" in private
    text = signing.canonical_text({"a": 1})
    assert signing.seal_verifies(public, text, signing.seal(private, text, b"secret"))
    try:
        signing.seal(private, text, b"wrong")
    except ValueError:
        pass
    else:
        raise AssertionError("a wrong passphrase must not open the key")
