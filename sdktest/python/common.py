"""Shared set-up of the Python suite: clients for the servers that
sdktest/python_test.go starts, named in the environment."""

import os
import time
import unittest

from azure.cognitiveservices.vision.face import FaceClient
from azure.cognitiveservices.vision.face.models import APIErrorException
from msrest.authentication import CognitiveServicesCredentials

ENDPOINT = os.environ["FACESNAP_ENDPOINT"]      # server 1 ("west")
ENDPOINT2 = os.environ["FACESNAP_ENDPOINT2"]    # server 2, same snapshot store
KEY_A = os.environ["FACESNAP_KEY_A"]
KEY_B = os.environ["FACESNAP_KEY_B"]
SUB_B = os.environ["FACESNAP_SUB_B"]
PEOPLE = os.environ["FACESNAP_PEOPLE"]          # the labelled photos
IMAGE_URL = os.environ["FACESNAP_IMAGE_URL"]    # a portrait served on loopback


def client(key=KEY_A, endpoint=ENDPOINT):
    return FaceClient(endpoint, CognitiveServicesCredentials(key))


def photo(rel):
    """An open file of the labelled photos, as the quickstarts pass them."""
    return open(os.path.join(PEOPLE, rel), "rb")


def wait(poll, done, timeout=60):
    """Polls until done(result) holds, within timeout seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = poll()
        if done(result):
            return result
        if time.monotonic() > deadline:
            raise AssertionError("still waiting after %ss: %r" % (timeout, result))
        time.sleep(0.2)


class APITestCase(unittest.TestCase):
    def assertAPIError(self, code, fn, *args, **kwargs):
        """fn raises the client's APIErrorException with the body's code."""
        with self.assertRaises(APIErrorException) as cm:
            fn(*args, **kwargs)
        self.assertEqual(cm.exception.error.error.code, code, cm.exception.error.error.message)
        return cm.exception
