"""`PATCH /api/v1/counsellors/{name}`: a supervisor changes a counsellor's capacity during a shift.

Body `{"capacity": N, "urgent_capacity": M}` (either may be left out; the other stays). Supervisors only
(403 otherwise), 404 for an unknown account, 422 for numbers out of range (capacity 1–20, urgent capacity
0–capacity). The new numbers are stored on the account hash, which claim.lua and transfer.lua read inside
the script, so the very next claim uses them. Chats already held are never taken away.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, status
from pydantic import BaseModel, Field

from api.deps import StateDep, SupervisorDep
from api.services.accounts import MAX_CAPACITY, NAME_RE, AccountError, set_capacity

router = APIRouter(prefix="/api/v1", tags=["counsellors"])
CounsellorName = Annotated[str, Path(pattern=NAME_RE.pattern)]


class CapacityChange(BaseModel):
    capacity: int | None = Field(None, ge=1, le=MAX_CAPACITY, strict=True)
    urgent_capacity: int | None = Field(None, ge=0, le=MAX_CAPACITY, strict=True)


class CapacityView(BaseModel):
    name: str
    capacity: int
    urgent_capacity: int


@router.patch("/counsellors/{name}")
async def change_capacity(
    name: CounsellorName, body: CapacityChange, state: StateDep, who: SupervisorDep
) -> CapacityView:
    default = (state.settings.counsellor_capacity, state.settings.counsellor_urgent_capacity)
    try:
        capacity, urgent = await set_capacity(state.redis, name, default, body.capacity, body.urgent_capacity)
    except AccountError as exc:
        if str(exc).startswith("no account"):
            raise HTTPException(status.HTTP_404_NOT_FOUND, "unknown counsellor") from None
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, str(exc)) from None
    return CapacityView(name=name, capacity=capacity, urgent_capacity=urgent)
