"""A program shaped like Microsoft's current Python Face quickstart: detect
with detection_03/recognition_04 and qualityForRecognition, enrol only
faces of sufficient quality, train, identify and verify, then move the
group to another deployment with a snapshot, where the copy identifies at
once, without training. Enrolled and query photos are different photos."""

import io
import uuid

from azure.cognitiveservices.vision.face.models import (
    QualityForRecognition, SnapshotObjectType, TrainingStatusType)

import common
from test_snapshot import operation_id, wait_operation

GROUP = {"obama": ["obama/1.jpg", "obama/2.jpg"], "rose": ["rose/1.jpg", "rose/2.jpg"]}


def sufficient(client, data):
    faces = client.face.detect_with_stream(
        io.BytesIO(data), detection_model="detection_03", recognition_model="recognition_04",
        return_face_attributes=["qualityForRecognition"])
    return len(faces) > 0 and all(
        f.face_attributes.quality_for_recognition in (QualityForRecognition.high, QualityForRecognition.medium)
        for f in faces)


class QuickstartTest(common.APITestCase):
    def setUp(self):
        self.c = common.client()
        self.gid = "py-qs-" + uuid.uuid4().hex[:8]
        self.c.person_group.create(self.gid, name=self.gid, recognition_model="recognition_04")
        self.persons = {}
        for name, files in GROUP.items():
            person = self.c.person_group_person.create(self.gid, name=name)
            self.persons[name] = person.person_id
            for rel in files:
                with common.photo(rel) as f:
                    data = f.read()
                if not sufficient(self.c, data):
                    continue
                self.c.person_group_person.add_face_from_stream(
                    self.gid, person.person_id, io.BytesIO(data), detection_model="detection_03")
        self.c.person_group.train(self.gid)
        common.wait(lambda: self.c.person_group.get_training_status(self.gid),
                    lambda s: s.status == TrainingStatusType.succeeded)

    def test_enrol_train_and_snapshot(self):
        # Every enrolment photo is a frontal portrait: all were enrolled.
        for name, files in GROUP.items():
            person = self.c.person_group_person.get(self.gid, self.persons[name])
            self.assertEqual(len(person.persisted_face_ids), len(files), name)
        dst = common.client(common.KEY_B, common.ENDPOINT2)
        raw = self.c.snapshot.take(SnapshotObjectType.person_group, self.gid, [common.SUB_B], raw=True)
        status = wait_operation(self.c, operation_id(raw))
        snapshot_id = status.resource_location.replace("/snapshots/", "")
        copy = "py-qs-copy-" + uuid.uuid4().hex[:8]
        status = wait_operation(dst, operation_id(dst.snapshot.apply(snapshot_id, copy, raw=True)))
        self.assertEqual(status.status.lower(), "succeeded", status.message)
        # The copy carries the training: it identifies at once, with a face
        # detected in its own deployment.
        with common.photo("obama/3.jpg") as f:
            faces = dst.face.detect_with_stream(f, detection_model="detection_03", recognition_model="recognition_04")
        results = dst.face.identify([faces[0].face_id], person_group_id=copy)
        self.assertEqual(results[0].candidates[0].person_id, self.persons["obama"])

    def test_identify_and_verify(self):
        with common.photo("obama/3.jpg") as f:
            faces = self.c.face.detect_with_stream(f, detection_model="detection_03", recognition_model="recognition_04")
        face_ids = [f.face_id for f in faces]
        results = self.c.face.identify(face_ids, person_group_id=self.gid)
        self.assertEqual(results[0].candidates[0].person_id, self.persons["obama"])
        self.assertGreater(results[0].candidates[0].confidence, 0.5)
        with common.photo("obama/4.jpg") as f:
            other = self.c.face.detect_with_stream(f, detection_model="detection_03", recognition_model="recognition_04")
        same = self.c.face.verify_face_to_face(face_ids[0], other[0].face_id)
        self.assertTrue(same.is_identical)
        with common.photo("rose/1.jpg") as f:
            rose = self.c.face.detect_with_stream(f, detection_model="detection_03", recognition_model="recognition_04")
        self.assertFalse(self.c.face.verify_face_to_face(face_ids[0], rose[0].face_id).is_identical)
