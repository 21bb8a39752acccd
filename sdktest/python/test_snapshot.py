"""The snapshot workflow as Microsoft's Python quickstart ran it: take and
apply return None unless raw=True, the operation id comes from the
Operation-Location header, get_operation_status polls."""

import uuid

from azure.cognitiveservices.vision.face.models import (
    OperationStatusType, SnapshotObjectType, TrainingStatusType)

import common


def operation_id(raw):
    return raw.response.headers["Operation-Location"].replace("/operations/", "")


def wait_operation(client, op_id):
    return common.wait(lambda: client.snapshot.get_operation_status(op_id),
                       lambda s: s.status.lower() not in ("notstarted", "running"))


class SnapshotTest(common.APITestCase):
    def test_take_and_apply_between_servers(self):
        src = common.client()
        dst = common.client(common.KEY_B, common.ENDPOINT2)
        gid = "py-snap-" + uuid.uuid4().hex[:8]
        src.person_group.create(gid, name="snap source", recognition_model="recognition_04")
        person = src.person_group_person.create(gid, name="biden")
        with common.photo("biden/1.jpg") as f:
            src.person_group_person.add_face_from_stream(gid, person.person_id, f)
        src.person_group.train(gid)
        common.wait(lambda: src.person_group.get_training_status(gid), lambda s: s.status == TrainingStatusType.succeeded)

        # Without raw the client returns nothing.
        self.assertIsNone(src.snapshot.take(SnapshotObjectType.person_group, gid, [common.SUB_B]))
        raw = src.snapshot.take(SnapshotObjectType.person_group, gid, [common.SUB_B], user_data="py", raw=True)
        self.assertEqual(raw.response.status_code, 202)
        status = wait_operation(src, operation_id(raw))
        self.assertIs(status.status, OperationStatusType.succeeded, status.message)
        snapshot_id = status.resource_location.replace("/snapshots/", "")
        snap = dst.snapshot.get(snapshot_id)
        self.assertEqual((snap.type, snap.user_data), (SnapshotObjectType.person_group, "py"))

        target = gid + "-copy"
        # The client sends mode "CreateNew" by default.
        raw = dst.snapshot.apply(snapshot_id, target, raw=True)
        status = wait_operation(dst, operation_id(raw))
        self.assertIs(status.status, OperationStatusType.succeeded, status.message)
        self.assertEqual(status.resource_location, "/persongroups/" + target)
        copy = dst.person_group.get(target, return_recognition_model=True)
        self.assertEqual((copy.name, copy.recognition_model), ("snap source", "recognition_04"))
        # The copy carries its training.
        self.assertIs(dst.person_group.get_training_status(target).status, TrainingStatusType.succeeded)
        self.assertEqual([p.name for p in dst.person_group_person.list(target)], ["biden"])

        # A second apply to the same id fails the operation, as the service does.
        status = wait_operation(dst, operation_id(dst.snapshot.apply(snapshot_id, target, raw=True)))
        self.assertIs(status.status, OperationStatusType.failed)
        self.assertTrue(status.message)
        src.snapshot.delete(snapshot_id)
