"""Encryption and keyed hashing of CPR numbers with the site's own key.

The ciphertext can be decrypted only with the site's encryption key; the keyed hash lets
the database enforce uniqueness and find a citizen by CPR without storing the number.
"""

import hashlib
import hmac

from frappe.utils.password import decrypt as _decrypt
from frappe.utils.password import encrypt as _encrypt
from frappe.utils.password import get_encryption_key

_HASH_CONTEXT = b"borgerbudget:cpr:v1"


def encrypt(cpr_digits: str) -> str:
	return _encrypt(cpr_digits)


def decrypt(ciphertext: str) -> str:
	return _decrypt(ciphertext)


def keyed_hash(cpr_digits: str) -> str:
	# CPR numbers are too few (~10^9 valid ones) for an unkeyed hash to protect them.
	return keyed_digest(_HASH_CONTEXT, cpr_digits)


def keyed_digest(context: bytes, value: str) -> str:
	return digester(context)(value)


def digester(context: bytes):
	"""HMAC-SHA256 under a key derived from the site key for `context`: a digest reveals nothing
	without the site key, and digests made for one purpose cannot be matched to another's."""
	key = hmac.new(get_encryption_key().encode(), context, hashlib.sha256).digest()
	return lambda value: hmac.new(key, value.encode(), hashlib.sha256).hexdigest()
