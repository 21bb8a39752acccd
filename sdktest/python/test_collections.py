"""The four collection kinds, persons, faces and training through the
official Python client."""

import uuid

from azure.cognitiveservices.vision.face.models import TrainingStatusType

import common


class CollectionsTest(common.APITestCase):
    def setUp(self):
        self.c = common.client()

    def test_person_group(self):
        pg = self.c.person_group
        gid = "py-pg-" + uuid.uuid4().hex[:8]
        pg.create(gid, name="staff", user_data="ud", recognition_model="recognition_04")
        got = pg.get(gid, return_recognition_model=True)
        self.assertEqual((got.person_group_id, got.name, got.user_data, got.recognition_model),
                         (gid, "staff", "ud", "recognition_04"))
        pg.update(gid, user_data="changed")
        self.assertEqual(pg.get(gid).name, "staff")  # PATCH keeps the name
        self.assertIn(gid, [g.person_group_id for g in pg.list()])
        person = self.c.person_group_person.create(gid, name="obama")
        with common.photo("obama/1.jpg") as f:
            pf = self.c.person_group_person.add_face_from_stream(gid, person.person_id, f, detection_model="detection_03")
        pf2 = self.c.person_group_person.add_face_from_url(gid, person.person_id, common.IMAGE_URL)
        got = self.c.person_group_person.get(gid, person.person_id)
        self.assertEqual(sorted(got.persisted_face_ids), sorted([pf.persisted_face_id, pf2.persisted_face_id]))
        pg.train(gid)
        status = common.wait(lambda: pg.get_training_status(gid),
                             lambda s: s.status in (TrainingStatusType.succeeded, TrainingStatusType.failed))
        # The Python client's enum: TrainingStatusType values are lowercase.
        self.assertIs(status.status, TrainingStatusType.succeeded)
        self.assertEqual(status.status.value, "succeeded")
        self.assertIsNotNone(status.created)
        pg.delete(gid)
        self.assertAPIError("PersonGroupNotFound", pg.get, gid)

    def test_large_person_group(self):
        lpg = self.c.large_person_group
        gid = "py-lpg-" + uuid.uuid4().hex[:8]
        lpg.create(gid, name="large")
        person = self.c.large_person_group_person.create(gid, name="rose")
        with common.photo("rose/1.jpg") as f:
            self.c.large_person_group_person.add_face_from_stream(gid, person.person_id, f)
        lpg.train(gid)
        status = common.wait(lambda: lpg.get_training_status(gid), lambda s: s.status != TrainingStatusType.running and s.status != TrainingStatusType.nonstarted)
        self.assertIs(status.status, TrainingStatusType.succeeded)
        self.assertEqual([p.name for p in self.c.large_person_group_person.list(gid)], ["rose"])
        lpg.delete(gid)

    def test_face_list(self):
        fl = self.c.face_list
        fid = "py-fl-" + uuid.uuid4().hex[:8]
        fl.create(fid, name="faces", recognition_model="recognition_03")
        with common.photo("kit/1.jpg") as f:
            face = fl.add_face_from_stream(fid, f, user_data="kit")
        url_face = fl.add_face_from_url(fid, common.IMAGE_URL)
        got = fl.get(fid)
        self.assertEqual(sorted(p.persisted_face_id for p in got.persisted_faces),
                         sorted([face.persisted_face_id, url_face.persisted_face_id]))
        fl.delete_face(fid, url_face.persisted_face_id)
        self.assertEqual(len(fl.get(fid).persisted_faces), 1)
        fl.delete(fid)

    def test_large_face_list(self):
        lfl = self.c.large_face_list
        fid = "py-lfl-" + uuid.uuid4().hex[:8]
        lfl.create(fid, name="large faces")
        with common.photo("alex/1.jpg") as f:
            face = lfl.add_face_from_stream(fid, f, user_data="alex")
        self.assertEqual(lfl.get_face(fid, face.persisted_face_id).user_data, "alex")
        lfl.train(fid)
        status = common.wait(lambda: lfl.get_training_status(fid), lambda s: s.status == TrainingStatusType.succeeded)
        self.assertIsNotNone(status.last_successful_training)
        lfl.delete(fid)

    def test_errors(self):
        # No face in the picture: the service's InvalidImage.
        gid = "py-err-" + uuid.uuid4().hex[:8]
        self.c.face_list.create(gid, name="x")
        self.assertAPIError("FaceListNotFound", self.c.face_list.get, gid + "-missing")
        self.c.face_list.delete(gid)
