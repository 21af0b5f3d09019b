"""TaskMemory on a real (in-memory) Chroma: seeding, idempotent writes, lookups, search, novelty."""

from __future__ import annotations

import pytest

from memory.errors import EmbeddingMismatchError, TaskNameConflictError, UnknownTaskNameError
from memory.filters import SearchFilter
from memory.library import MAX_DISTANCE, AddOutcome, TaskMemory
from memory.records import Origin, TaskRecord, ValidationSummary, content_hash
from tests.memory.memory_fakes import FAKE_SEEDS, task_code


def generated(
    name: str, description: str, assets: tuple[str, ...] = (), rate: float = 0.8
) -> TaskRecord:
    return TaskRecord.create(
        name=name,
        description=description,
        code=task_code(name, description, assets),
        origin=Origin.GENERATED,
        assets=assets,
        validation=ValidationSummary(success_rate=rate, seeds=(0, 1, 2), seconds=1.0),
        model="fake-model",
    )


def test_first_use_seeds_every_registered_task_with_its_file(memory: TaskMemory) -> None:
    assert memory.count() == len(FAKE_SEEDS)
    assert memory.names() == sorted(FAKE_SEEDS)
    for record in memory.list():
        assert record.origin is Origin.SEED
        path = memory.code_file(record)
        assert path == memory.workspace / "tasks" / f"{record.name}.py"
        assert content_hash(path.read_text()) == record.id
        assert record.description == FAKE_SEEDS[record.name][0]
    assert memory.seed_if_empty() == []  # not empty any more: nothing happens


def test_seed_is_idempotent_and_picks_up_new_seed_tasks(memory: TaskMemory, tmp_path) -> None:  # type: ignore[no-untyped-def]
    before = memory.count()
    assert memory.seed() == []  # every seed is stored already: nothing to add
    assert memory.count() == before
    from simenv.tasks import TaskInfo
    from tests.memory.memory_fakes import write_task

    path = write_task(tmp_path, "packing-boxes", "Pack the boxes tightly into the container.")
    results = memory.seed(
        [TaskInfo("packing-boxes", "Pack the boxes tightly into the container.", path, object)]
    )
    assert [r.outcome for r in results] == [AddOutcome.ADDED]
    assert memory.get("packing-boxes").origin is Origin.SEED


def test_add_is_idempotent_by_content_hash(memory: TaskMemory) -> None:
    record = generated("stack-cups", "Stack the three paper cups into one tower.")
    first = memory.add(record)
    assert first.outcome is AddOutcome.ADDED
    again = TaskRecord.create(**{**record.model_dump(exclude={"id", "code_path", "created"})})
    second = memory.add(again)
    assert second.outcome is AddOutcome.UNCHANGED
    assert second.record.created == record.created  # a repeated write changes nothing
    assert memory.count() == len(FAKE_SEEDS) + 1
    assert memory.get("stack-cups") == record


def test_a_name_holds_one_program_unless_replaced(memory: TaskMemory) -> None:
    memory.add(generated("stack-cups", "Stack the cups."))
    other = generated("stack-cups", "Stack the cups upside down.")
    with pytest.raises(TaskNameConflictError, match="already in the library"):
        memory.add(other)
    result = memory.add(other, replace=True)
    assert result.outcome is AddOutcome.REPLACED
    assert memory.get("stack-cups").id == other.id
    assert len([r for r in memory.list() if r.name == "stack-cups"]) == 1
    assert memory.code_file(other).read_text() == other.code
    assert memory.check().drift == []


def test_unknown_names_list_the_close_ones(memory: TaskMemory) -> None:
    with pytest.raises(UnknownTaskNameError) as info:
        memory.get("stack-block-pyramids")
    assert "stack-block-pyramid" in str(info.value)
    assert info.value.close_matches[0] == "stack-block-pyramid"
    with pytest.raises(UnknownTaskNameError, match="Did you mean: towers-of-hanoi"):
        memory.remove("tower-of-hanoi")


def test_list_by_origin_and_remove(memory: TaskMemory) -> None:
    record = generated("stack-cups", "Stack the cups.")
    memory.add(record)
    assert [r.name for r in memory.list(origin="generated")] == ["stack-cups"]
    assert len(memory.list(origin=Origin.SEED)) == len(FAKE_SEEDS)
    removed = memory.remove("stack-cups")
    assert removed.id == record.id
    assert not memory.code_file(record).exists()
    assert memory.find("stack-cups") is None
    assert memory.list(origin="generated") == []


def test_search_ranks_the_paraphrased_task_first(memory: TaskMemory) -> None:
    hits = memory.search("drop the crimson cubes into the emerald bowls", k=3)
    assert hits[0].record.name == "place-red-in-green"
    assert [h.distance for h in hits] == sorted(h.distance for h in hits)
    assert memory.search("move the disks between the pegs", k=1)[0].record.name == "towers-of-hanoi"
    assert len(memory.search("anything", k=50)) == len(FAKE_SEEDS)
    with pytest.raises(ValueError, match="k must be"):
        memory.search("x", k=0)


def test_search_filters(memory: TaskMemory) -> None:
    memory.add(
        generated(
            "red-bowl-line",
            "Line up the red bowls along the table edge.",
            ("bowl/bowl.urdf",),
            rate=0.6,
        )
    )
    memory.add(
        generated("bowl-stack", "Stack the bowls into one tower.", ("bowl/bowl.urdf",), rate=1.0)
    )
    query = "red blocks into green bowls"
    generated_only = memory.search(query, k=10, where=SearchFilter(origin=Origin.GENERATED))
    assert {h.record.name for h in generated_only} == {"red-bowl-line", "bowl-stack"}
    with_bowls = memory.search(query, k=10, where=SearchFilter(assets=("bowl",)))
    assert {h.record.name for h in with_bowls} == {
        "red-bowl-line",
        "bowl-stack",
        "place-red-in-green",
    }
    exact = memory.search(query, k=10, where=SearchFilter(assets=("stacking/stand.urdf",)))
    assert [h.record.name for h in exact] == ["stack-block-pyramid"]
    reliable = memory.search(query, k=10, where=SearchFilter(min_success=0.9))
    assert [h.record.name for h in reliable] == ["bowl-stack"]
    raw = memory.search(query, k=10, where={"origin": "seed"})
    assert len(raw) == len(FAKE_SEEDS)
    assert memory.search(query, k=3, where=SearchFilter(assets=("rope",))) == []


def test_novelty_separates_near_duplicates_from_new_tasks(memory: TaskMemory) -> None:
    duplicate = memory.novelty(
        "Pick the red blocks and put them in the green bowls among other objects.",
        name="place-red-blocks-in-green-bowls",
    )
    novel = memory.novelty(
        "Open the drawer and hang the towel on the hook.", name="hang-towel-in-drawer"
    )
    assert duplicate < 0.2 < 0.5 < novel
    hit = memory.nearest("Pick up the red blocks and place them into the green bowls.")
    assert hit is not None and hit.record.name == "place-red-in-green"
    excluded = memory.novelty(
        "Pick up the red blocks and place them into the green bowls.",
        exclude_names=["place-red-in-green"],
    )
    assert excluded > duplicate


def test_empty_library(empty_memory: TaskMemory) -> None:
    assert empty_memory.count() == 0
    assert empty_memory.search("anything") == []
    assert empty_memory.novelty("anything") == MAX_DISTANCE
    assert empty_memory.list() == []


def test_same_code_under_a_second_name_is_one_record(memory: TaskMemory) -> None:
    record = generated("stack-cups", "Stack the cups.")
    memory.add(record)
    twin = record.model_copy(update={"name": "stack-mugs", "code_path": "tasks/stack-mugs.py"})
    result = memory.add(twin)
    assert result.outcome is AddOutcome.UNCHANGED
    assert result.record.name == "stack-cups"
    assert memory.find("stack-mugs") is None


def test_bulk_add_refuses_conflicts_before_writing(memory: TaskMemory) -> None:
    batch = [generated(f"task-{i}", f"Task number {i}.") for i in range(12)]
    batch.append(generated("task-3", "A different task three."))
    before = memory.count()
    with pytest.raises(TaskNameConflictError):
        memory.add_many(batch)
    assert memory.count() == before
    progress: list[tuple[int, int]] = []
    results = memory.add_many(
        batch[:12], progress=lambda done, total: progress.append((done, total))
    )
    assert [r.outcome for r in results] == [AddOutcome.ADDED] * 12
    assert progress[-1] == (12, 12)
    assert memory.check().drift == []


def test_the_index_uses_a_wide_search_beam(memory: TaskMemory) -> None:
    hnsw = memory.collection.configuration["hnsw"]
    assert hnsw is not None
    assert hnsw["space"] == "cosine" and hnsw["ef_search"] >= 1000
    client = memory.client
    narrow = client.create_collection(
        f"narrow-{memory.collection.name}",
        configuration={"hnsw": {"space": "cosine", "ef_search": 10}},
        embedding_function=memory.embedding_function,  # type: ignore[arg-type]
    )
    try:
        reopened = TaskMemory(
            client,
            memory.workspace,
            collection_name=narrow.name,
            embedding_function=memory.embedding_function,
        )
        assert reopened.collection.configuration["hnsw"]["ef_search"] >= 1000  # type: ignore[index]
    finally:
        client.delete_collection(narrow.name)


def test_a_collection_of_another_embedding_function_is_refused(memory: TaskMemory) -> None:
    client = memory.client
    other = client.create_collection(f"other-{memory.collection.name}")  # Chroma's default EF
    try:
        with pytest.raises(EmbeddingMismatchError, match="another embedding function"):
            TaskMemory(client, memory.workspace, collection_name=other.name)
    finally:
        client.delete_collection(other.name)


def test_filtered_search_agrees_with_chromas_filter_on_a_larger_library(memory: TaskMemory) -> None:
    colours = ["red", "green", "blue", "yellow", "purple", "orange"]
    objects = [
        ("bowl", "bowl/bowl.urdf"),
        ("block", "block/block.urdf"),
        ("ring", "hanoi/disk0.urdf"),
    ]
    memory.add_many(
        generated(
            f"line-up-{colour}-{obj}-{i}",
            f"Line up the {colour} {obj}s along the edge of the table, variant {i}.",
            (path, "zone/zone.urdf") if i % 7 == 0 else (path,),
            rate=(i % 10) / 10,
        )
        for i, (colour, (obj, path)) in enumerate(
            (c, o) for c in colours for o in objects for _ in range(4)
        )
    )
    assert memory.count() > 60
    filters = [
        SearchFilter(origin=Origin.GENERATED),
        SearchFilter(min_success=0.75),
        SearchFilter(assets=("bowl",)),
        SearchFilter(assets=("zone",), min_success=0.5),  # selective: Chroma's filter answers
        SearchFilter(origin=Origin.SEED, assets=("stacking/block.urdf",)),
        SearchFilter(exclude_names=("place-red-in-green",), origin=Origin.SEED),
    ]
    for search_filter in filters:
        for k in (1, 5):
            fast = memory.search("put the red blocks in the bowls", k=k, where=search_filter)
            where = search_filter.to_where()
            slow = memory.search("put the red blocks in the bowls", k=k, where=where)
            assert [h.record.id for h in fast] == [h.record.id for h in slow], search_filter
            assert all(search_filter.matches(h.record.to_metadata()) for h in fast)


def test_a_selective_filter_falls_back_to_chromas_filter(
    memory: TaskMemory, monkeypatch: pytest.MonkeyPatch
) -> None:
    memory.add_many(generated(f"filler-task-{i}", f"Filler task number {i}.") for i in range(60))
    memory.add(
        generated("rare-zone-task", "Push the cube into the zone.", ("zone/zone.urdf",), 0.95)
    )
    calls: list[object] = []
    original = memory._query

    def spy(*args: object, **kwargs: object) -> object:
        calls.append(args[2])
        return original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(memory, "_query", spy)
    hits = memory.search("red blocks in bowls", k=1, where=SearchFilter(min_success=0.9))
    assert [h.record.name for h in hits] == ["rare-zone-task"]
    # Either the nearest 50 held it (one query) or Chroma's filter found it (a second query).
    assert len(calls) in (1, 2)
    calls.clear()
    assert memory.search("x", k=2, where=SearchFilter(min_success=0.99)) == []
    assert calls[0] is None and calls[1] == {"success_rate": {"$gte": 0.99}}
