"""The bank feeds: labour-cost transfers and payroll, listed and pushed in all-or-nothing batches."""

import hashlib
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from wagewatch.lib.bounds import BoundedModelSerializer, BoundedSerializer

from .. import services
from ..models import ApiClient, LabourCostTransfer, Payroll, WageAccount
from .access import BatchParseErrors, ScopedViewSet, feed_projects

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

_V = TypeVar("_V", bound=Callable[..., Any])

# ---------------------------------------------------------------- feeds: read side


class TransferSerializer(BoundedModelSerializer):
    project_code = serializers.CharField(source="project.code", read_only=True)

    class Meta:
        model = LabourCostTransfer
        fields = ["id", "project", "project_code", "month", "amount", "transferred_on", "bank_reference"]
        read_only_fields = fields


class PayrollSerializer(BoundedModelSerializer):
    project_code = serializers.CharField(source="project.code", read_only=True)

    class Meta:
        model = Payroll
        fields = [
            "id", "project", "project_code", "month", "attended", "paid", "gross", "net", "paid_on",
            "via_account", "bank_reference",
        ]  # fmt: skip
        read_only_fields = fields


class MonthFilter(filters.FilterSet):
    month_from = filters.DateFilter(field_name="month", lookup_expr="gte")
    month_to = filters.DateFilter(field_name="month", lookup_expr="lte")


class TransferFilter(MonthFilter):
    class Meta:
        model = LabourCostTransfer
        fields = ["project", "month", "bank_reference"]


class PayrollFilter(MonthFilter):
    class Meta:
        model = Payroll
        fields = ["project", "month", "bank_reference"]


# ---------------------------------------------------------------- feeds: batch POST

KEY_PREFIX = "IK-"
MAX_BATCH = 1000
IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description=_("幂等键：条目未带银行流水号时必填；同一键重复提交只保存一次，键相同而内容不同返回409"),
)


class FeedItemSerializer(BoundedSerializer):
    """Common part of a feed item: which project (by code or dedicated account) and which record."""

    project_code = serializers.CharField(required=False, max_length=40, help_text=_("项目编号"))
    account_number = serializers.CharField(required=False, max_length=40, help_text=_("工资专用账户账号"))
    month = serializers.DateField(help_text=_("所属月份（任一天，按该月第一天保存）"))
    bank_reference = serializers.CharField(required=False, max_length=64, help_text=_("银行流水号"))

    def validate(self, attrs):
        if not attrs.get("project_code") and not attrs.get("account_number"):
            raise serializers.ValidationError({"project_code": _("请填写项目编号或工资专用账户账号")})
        if (attrs.get("bank_reference") or "").startswith(KEY_PREFIX):
            raise serializers.ValidationError({"bank_reference": _("银行流水号不能以 IK- 开头（系统保留）")})
        attrs["month"] = attrs["month"].replace(day=1)
        return attrs


class TransferItemSerializer(FeedItemSerializer):
    bounds_model = LabourCostTransfer

    amount = serializers.DecimalField(max_digits=16, decimal_places=2, min_value=Decimal("0.01"))
    transferred_on = serializers.DateField()


class PayrollItemSerializer(FeedItemSerializer):
    bounds_model = Payroll

    attended = serializers.IntegerField(min_value=0)
    paid = serializers.IntegerField(min_value=0)
    gross = serializers.DecimalField(max_digits=16, decimal_places=2, min_value=Decimal(0))
    net = serializers.DecimalField(max_digits=16, decimal_places=2, min_value=Decimal(0))
    paid_on = serializers.DateField(required=False, allow_null=True, default=None)
    via_account = serializers.BooleanField(default=True)


class BatchItemResultSerializer(BoundedSerializer):
    index = serializers.IntegerField()
    id = serializers.IntegerField()
    project = serializers.IntegerField()
    bank_reference = serializers.CharField()


class BatchResultSerializer(BoundedSerializer):
    items = BatchItemResultSerializer(many=True)


class BatchErrorSerializer(BoundedSerializer):
    index = serializers.IntegerField(allow_null=True, help_text=_("出错条目的序号（从0起），整批错误为空"))
    field = serializers.CharField()
    message = serializers.CharField()


class BatchErrorsSerializer(BoundedSerializer):
    # a declared field (the metaclass moves it into ``fields``), not the ``errors`` property it shadows
    errors = BatchErrorSerializer(many=True)  # type: ignore[assignment]


class DetailSerializer(BoundedSerializer):
    detail = serializers.CharField()


class BatchRejected(Exception):
    """Raised inside the batch transaction so that nothing of a bad batch is kept."""

    def __init__(self, errors):
        super().__init__(errors)
        self.errors = errors


def _flatten(index, detail) -> list[dict]:
    """DRF / Django error structures as a flat list of {index, field, message}."""
    if isinstance(detail, dict):
        return [
            {"index": index, "field": "non_field_errors" if f == "__all__" else f, "message": str(m)}
            for f, msgs in detail.items()
            for m in (msgs if isinstance(msgs, list) else [msgs])
        ]
    return [{"index": index, "field": "non_field_errors", "message": str(m)} for m in detail]


def _resolve_projects(items: list[dict], user) -> tuple[list, list[dict]]:
    """Each item's project (by code and/or account number) among those the caller may feed."""
    allowed = feed_projects(user)
    codes = {i["project_code"] for i in items if i.get("project_code")}
    numbers = {i["account_number"] for i in items if i.get("account_number")}
    by_code = {p.code: p for p in allowed.filter(code__in=codes)} if codes else {}
    by_number: dict[str, set] = {}
    if numbers:
        for acc in WageAccount.objects.filter(project__in=allowed, account_number__in=numbers).select_related(
            "project"
        ):
            by_number.setdefault(acc.account_number, set()).add(acc.project)
    projects, errors = [], []
    for index, item in enumerate(items):
        found = set()
        if item.get("project_code"):
            found.add(by_code.get(item["project_code"]))
        if item.get("account_number"):
            found |= by_number.get(item["account_number"]) or {None}
        if None in found or len(found) != 1:
            field = "project_code" if item.get("project_code") else "account_number"
            errors.append(
                {"index": index, "field": field, "message": str(_("项目或账户不存在、不一致或无权报送"))}
            )
        projects.append(next(iter(found)) if len(found) == 1 else None)
    return projects, errors


class FeedViewSet(BatchParseErrors, mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """List and read a feed; POST a batch (a JSON array), stored all or nothing, idempotently."""

    client_kinds = (ApiClient.Kind.BANK, ApiClient.Kind.PLATFORM)
    parser_classes = [JSONParser]
    model: type[LabourCostTransfer] | type[Payroll]  # set by each feed
    item_serializer: type[FeedItemSerializer]
    compared: tuple[str, ...] = ()

    def create(self, request, *args, **kwargs):
        items, errors = self._validate(request)
        if errors:
            return Response({"errors": errors}, status=400)
        prefix = self._key_prefix(request)
        for _attempt in range(2):  # a concurrent twin committing first makes the retry a replay
            try:
                with transaction.atomic():
                    results, created = self._apply(items, prefix, request.user)
                break
            except BatchRejected as exc:
                return Response({"errors": exc.errors}, status=400)
            except IdempotencyConflict:
                return Response({"detail": _("该幂等键已用于内容不同的请求")}, status=409)
            except IntegrityError:
                continue
        else:
            return Response({"detail": _("并发提交冲突，请重试")}, status=409)
        return Response({"items": results}, status=201 if created else 200)

    def _validate(self, request) -> tuple[list[dict], list[dict]]:
        data = request.data
        if not isinstance(data, list) or not data or len(data) > MAX_BATCH:
            message = _("请求体应为1至%(n)d个条目的数组") % {"n": MAX_BATCH}
            return [], [{"index": None, "field": "non_field_errors", "message": message}]
        errors, items = [], []
        for index, raw in enumerate(data):
            ser = self.item_serializer(data=raw)
            if ser.is_valid():
                items.append(ser.validated_data)
            else:
                errors += _flatten(index, ser.errors)
                items.append(None)
        valid = [i for i in items if i is not None]
        projects, project_errors = _resolve_projects(valid, request.user)
        positions = [n for n, i in enumerate(items) if i is not None]
        errors += [{**e, "index": positions[e["index"]]} for e in project_errors]
        for item, project in zip(valid, projects, strict=True):
            item["project"] = project
        errors += self._reference_errors(items, has_key=bool(request.headers.get("Idempotency-Key")))
        return items, sorted(errors, key=lambda e: (e["index"] is not None, e["index"] or 0))

    def _reference_errors(self, items, *, has_key: bool) -> list[dict]:
        errors, seen = [], set()
        for index, item in enumerate(items):
            ref = item and item.get("bank_reference")
            if item and not ref and not has_key:
                message = _("请填写银行流水号，或在请求头提供 Idempotency-Key")
                errors.append({"index": index, "field": "bank_reference", "message": str(message)})
            elif ref and ref in seen:
                message = _("同一批次中银行流水号重复")
                errors.append({"index": index, "field": "bank_reference", "message": str(message)})
            seen.add(ref)
        return errors

    def _key_prefix(self, request) -> str | None:
        key = request.headers.get("Idempotency-Key")
        if not key:
            return None
        caller = f"{request.user.pk}:{self.basename}:{key}".encode()
        return f"{KEY_PREFIX}{hashlib.sha256(caller).hexdigest()[:32]}-"

    def _same(self, obj, item) -> bool:
        """The stored record says what the item says (a replay, not a different record)."""
        return obj.project_id == item["project"].pk and all(getattr(obj, f) == item[f] for f in self.compared)

    def _existing(self, refs: list[str], user, client) -> dict:
        """The caller's records with these references: a bank's references are its own, so another
        bank's equal number is another record. Rows stored before references were kept per client
        (no client) count as the caller's on projects it may feed."""
        mine = Q(api_client=client)
        if client is not None:
            mine |= Q(api_client__isnull=True, project__in=feed_projects(user))
        return {o.bank_reference: o for o in self.model.objects.filter(mine, bank_reference__in=refs)}

    def _apply(self, items: list[dict], prefix: str | None, user) -> tuple[list[dict], bool]:
        client = getattr(user, "api_client", None)
        refs = [item.get("bank_reference") or f"{prefix}{n}" for n, item in enumerate(items)]
        existing = self._existing(refs, user, client)
        if prefix:
            self._check_key_replay(items, refs, existing, prefix)
        results, errors, created = [], [], False
        for index, (item, ref) in enumerate(zip(items, refs, strict=True)):
            obj = existing.get(ref)
            if obj is not None and not self._same(obj, item):
                message = _("该银行流水号已用于内容不同的记录")
                errors.append({"index": index, "field": "bank_reference", "message": str(message)})
                continue
            if obj is None:
                try:
                    obj, created = self.save_item(item=item, ref=ref, client=client), True
                except ValidationError as exc:
                    errors += _flatten(
                        index, exc.message_dict if hasattr(exc, "error_dict") else exc.messages
                    )
                    continue
            results.append({"index": index, "id": obj.pk, "project": obj.project_id, "bank_reference": ref})
        if errors:
            raise BatchRejected(errors)
        return results, created

    def _check_key_replay(self, items, refs, existing, prefix) -> None:
        used = self.model.objects.filter(bank_reference__startswith=prefix).count()
        derived = [(item, ref) for item, ref in zip(items, refs, strict=True) if ref.startswith(prefix)]
        if used and (
            used != len(derived)
            or any(ref not in existing or not self._same(existing[ref], item) for item, ref in derived)
        ):
            raise IdempotencyConflict

    def save_item(self, *, item: dict[str, Any], ref: str, client: ApiClient | None) -> Any:
        """Store one item of a valid batch (each feed says how)."""
        raise NotImplementedError


class IdempotencyConflict(Exception):
    """The Idempotency-Key was used before for a different batch."""


def _feed_docs(name: "StrOrPromise", item: type[serializers.Serializer]) -> Callable[[_V], _V]:
    return extend_schema_view(
        list=extend_schema(summary=_("%(n)s列表") % {"n": name}),
        retrieve=extend_schema(summary=_("%(n)s详情") % {"n": name}),
        create=extend_schema(
            summary=_("批量报送%(n)s") % {"n": name},
            description=_(
                "请求体为条目数组，整批校验、整批保存：任一条目有误则整批不保存，"
                "返回400并按条目序号和字段列出全部错误。每个条目带银行流水号（bank_reference），"
                "或请求头带 Idempotency-Key；重复报送只保存一次并返回相同结果（首次201，重复200）。"
            ),
            parameters=[IDEMPOTENCY_KEY],
            request=item(many=True),
            responses={
                201: BatchResultSerializer,
                200: BatchResultSerializer,
                400: BatchErrorsSerializer,
                403: DetailSerializer,
                409: DetailSerializer,
            },
        ),
    )


@_feed_docs(_("人工费拨付"), TransferItemSerializer)
class TransferViewSet(FeedViewSet):
    """Labour-cost transfers into the dedicated accounts (人工费拨付)."""

    serializer_class = TransferSerializer
    base_queryset = LabourCostTransfer.objects.select_related("project").order_by("-month", "-id")
    filterset_class = TransferFilter
    model = LabourCostTransfer
    item_serializer = TransferItemSerializer
    compared = ("month", "amount", "transferred_on")

    def save_item(self, *, item, ref, client):
        return services.transfer_create(
            project=item["project"],
            month=item["month"],
            amount=item["amount"],
            transferred_on=item["transferred_on"],
            bank_reference=ref,
            api_client=client,
        )


@_feed_docs(_("工资发放"), PayrollItemSerializer)
class PayrollViewSet(FeedViewSet):
    """Monthly payroll paid through the dedicated account (工资代发)."""

    serializer_class = PayrollSerializer
    base_queryset = Payroll.objects.select_related("project").order_by("-month", "-id")
    filterset_class = PayrollFilter
    model = Payroll
    item_serializer = PayrollItemSerializer
    compared = ("month", "attended", "paid", "gross", "net", "paid_on", "via_account")

    def save_item(self, *, item, ref, client):
        project, month = item["project"], item["month"]
        current = Payroll.objects.filter(project=project, month=month).first()
        # a referenced payroll the caller's own references did not match belongs to another reference or
        # another client: never overwritten from here
        if current is not None and current.bank_reference:
            raise ValidationError({"month": _("该项目该月工资已由其他银行流水号报送")})
        fields = {f: item.get(f) for f in ("attended", "paid", "gross", "net", "paid_on")}
        return services.payroll_save(
            project=project,
            month=month,
            via_account=item["via_account"],
            bank_reference=ref,
            api_client=client,
            **fields,
        )
