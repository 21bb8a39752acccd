"""Detect with attributes, as the quickstarts call it."""

from azure.cognitiveservices.vision.face.models import (
    BlurLevel, ExposureLevel, NoiseLevel, QualityForRecognition)

import common


class DetectTest(common.APITestCase):
    def setUp(self):
        self.c = common.client()

    def test_quality_for_recognition(self):
        with common.photo("obama/1.jpg") as f:
            faces = self.c.face.detect_with_stream(
                f, detection_model="detection_03", recognition_model="recognition_04",
                return_face_attributes=["qualityForRecognition"], return_recognition_model=True)
        self.assertEqual(len(faces), 1)
        a = faces[0].face_attributes
        # The client parses the value into its enum: "High" as the clients spell it.
        self.assertIs(a.quality_for_recognition, QualityForRecognition.high)
        self.assertIsNone(a.head_pose)
        self.assertEqual(faces[0].recognition_model, "recognition_04")

    def test_all_attributes_of_detection_01(self):
        faces = self.c.face.detect_with_url(
            common.IMAGE_URL, recognition_model="recognition_04",
            return_face_attributes=["headPose", "blur", "exposure", "noise", "qualityForRecognition"])
        a = faces[0].face_attributes
        self.assertLess(abs(a.head_pose.yaw), 20)
        self.assertIs(a.blur.blur_level, BlurLevel.low)
        self.assertTrue(0 <= a.blur.value <= 1)
        self.assertIs(a.exposure.exposure_level, ExposureLevel.good_exposure)
        self.assertIn(a.noise.noise_level, list(NoiseLevel))
        self.assertIsNone(a.age)

    def test_refused(self):
        with common.photo("obama/1.jpg") as f:
            data = f.read()
        import io
        for attrs, kwargs in [
            (["age"], {}),                       # retired
            (["emotion", "headPose"], {}),       # retired
            (["glasses"], {}),                   # not computed here
            (["exposure"], {"detection_model": "detection_03"}),   # not with detection_03
            (["headPose"], {"detection_model": "detection_02"}),   # detection_02 has none
            (["qualityForRecognition"], {"recognition_model": "recognition_01"}),
        ]:
            with self.subTest(attrs=attrs, **kwargs):
                e = self.assertAPIError("BadArgument", self.c.face.detect_with_stream,
                                        io.BytesIO(data), return_face_attributes=attrs, **kwargs)
                self.assertTrue(e.error.error.message)
