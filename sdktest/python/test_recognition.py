"""Find-similar, group and identify's refusals through the official Python
client, on the labelled photos (enrolled and query photos differ)."""

import uuid

from azure.cognitiveservices.vision.face.models import FindSimilarMatchMode, TrainingStatusType

import common


class RecognitionTest(common.APITestCase):
    def setUp(self):
        self.c = common.client()

    def detect(self, rel):
        with common.photo(rel) as f:
            faces = self.c.face.detect_with_stream(f)
        self.assertEqual(len(faces), 1, rel)
        return faces[0].face_id

    def test_find_similar(self):
        fl = "py-fl-" + uuid.uuid4().hex[:8]
        self.c.face_list.create(fl, name=fl)
        q = self.detect("obama/3.jpg")
        self.assertAPIError("FaceListNotReady", self.c.face.find_similar, q, face_list_id=fl)
        owner = {}
        for rel in ["obama/1.jpg", "biden/1.jpg", "kit/1.jpg"]:
            with common.photo(rel) as f:
                owner[self.c.face_list.add_face_from_stream(fl, f).persisted_face_id] = rel
        found = self.c.face.find_similar(q, face_list_id=fl)
        self.assertEqual([owner[s.persisted_face_id] for s in found], ["obama/1.jpg"])
        ranked = self.c.face.find_similar(q, face_list_id=fl, mode=FindSimilarMatchMode.match_face)
        self.assertEqual(len(ranked), 3)
        self.assertEqual(owner[ranked[0].persisted_face_id], "obama/1.jpg")
        self.assertGreaterEqual(ranked[0].confidence, ranked[-1].confidence)

        lfl = "py-lfl-" + uuid.uuid4().hex[:8]
        self.c.large_face_list.create(lfl, name=lfl)
        with common.photo("obama/2.jpg") as f:
            self.c.large_face_list.add_face_from_stream(lfl, f)
        self.assertAPIError("LargeFaceListNotTrained", self.c.face.find_similar, q, large_face_list_id=lfl)
        self.c.large_face_list.train(lfl)
        common.wait(lambda: self.c.large_face_list.get_training_status(lfl),
                    lambda s: s.status == TrainingStatusType.succeeded)
        self.assertEqual(len(self.c.face.find_similar(q, large_face_list_id=lfl)), 1)

        candidates = [self.detect("obama/4.jpg"), self.detect("rose/2.jpg")]
        found = self.c.face.find_similar(q, face_ids=candidates)
        self.assertEqual([s.face_id for s in found], [candidates[0]])

    def test_group(self):
        ids = [self.detect(rel) for rel in ["obama/3.jpg", "kit/3.jpg", "obama/4.jpg", "unenrolled/lin.png"]]
        result = self.c.face.group(ids)
        self.assertEqual(result.groups, [[ids[0], ids[2]]])
        self.assertEqual(sorted(result.messy_group), sorted([ids[1], ids[3]]))

    def test_identify_refusals(self):
        q = self.detect("obama/3.jpg")
        self.assertAPIError("PersonGroupNotFound", self.c.face.identify, [q], person_group_id="py-nope")
        self.assertAPIError("PersonGroupIdAndLargePersonGroupIdBothNull", self.c.face.identify, [q])
        gid = "py-untrained-" + uuid.uuid4().hex[:8]
        self.c.person_group.create(gid, name=gid)
        self.assertAPIError("PersonGroupNotTrained", self.c.face.identify, [q], person_group_id=gid)
